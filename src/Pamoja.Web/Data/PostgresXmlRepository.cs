using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Npgsql;

namespace Pamoja.Web.Data;

/// Stores ASP.NET Core data-protection keys in PostgreSQL (table data_protection_keys), so every
/// app instance shares them and restarts keep sessions and bearer tokens valid. The data
/// protection system calls this synchronously, hence the blocking calls.
public sealed class PostgresXmlRepository(NpgsqlDataSource dataSource) : IXmlRepository
{
    public IReadOnlyCollection<XElement> GetAllElements()
    {
        using var cmd = dataSource.CreateCommand("SELECT xml FROM data_protection_keys ORDER BY id");
        using var reader = cmd.ExecuteReader();
        var elements = new List<XElement>();
        while (reader.Read())
            elements.Add(XElement.Parse(reader.GetString(0)));
        return elements;
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        using var cmd = dataSource.CreateCommand("INSERT INTO data_protection_keys (friendly_name, xml) VALUES ($1, $2)");
        cmd.Parameters.AddWithValue(friendlyName);
        cmd.Parameters.AddWithValue(element.ToString(SaveOptions.DisableFormatting));
        cmd.ExecuteNonQuery();
    }
}
