using Npgsql;

namespace Pamoja.Web.Data;

/// Turns PAMOJA_DATABASE_URL (a postgres:// URL, as Heroku-style hosts and our script use) or a
/// plain Npgsql key=value string into an Npgsql connection string.
public static class DatabaseUrl
{
    public static string ToConnectionString(string urlOrConnectionString)
    {
        var value = urlOrConnectionString.Trim();
        if (!value.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase) &&
            !value.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase))
            return new NpgsqlConnectionStringBuilder(value).ConnectionString;

        var uri = new Uri(value);
        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = uri.Host,
            Port = uri.IsDefaultPort || uri.Port <= 0 ? 5432 : uri.Port,
            Database = Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/')),
        };
        var userInfo = uri.UserInfo.Split(':', 2);
        if (userInfo[0].Length > 0) builder.Username = Uri.UnescapeDataString(userInfo[0]);
        if (userInfo.Length > 1) builder.Password = Uri.UnescapeDataString(userInfo[1]);

        foreach (var pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var kv = pair.Split('=', 2);
            var key = Uri.UnescapeDataString(kv[0]);
            var val = kv.Length > 1 ? Uri.UnescapeDataString(kv[1]) : "";
            if (key == "sslmode")
                // libpq spells them verify-ca and verify-full; Npgsql's names have no hyphen.
                builder["SSL Mode"] = val.Replace("-", "", StringComparison.Ordinal);
            else
                builder[key] = val;
        }
        return builder.ConnectionString;
    }
}
