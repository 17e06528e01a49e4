using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Pamoja.Web.Data;
using Pamoja.Web.Tests.Infrastructure;

namespace Pamoja.Web.Tests.Data;

/// The SQL migrations are written by hand (no `dotnet ef` here), so this test is what keeps them
/// and the EF Core model in step: every mapped column exists, with the same nullability.
public sealed class SchemaMatchesModelTests : IAsyncLifetime
{
    private PamojaFactory _app = null!;

    public async Task InitializeAsync() => _app = await PamojaFactory.SharedAsync();
    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Every_mapped_property_has_a_column_with_the_same_nullability()
    {
        var columns = new Dictionary<(string Table, string Column), bool>();
        await using (var db = new NpgsqlConnection(TestDatabase.ConnectionString))
        {
            await db.OpenAsync();
            await using var cmd = new NpgsqlCommand(
                "SELECT table_name, column_name, is_nullable = 'YES' FROM information_schema.columns WHERE table_schema = 'public'", db);
            await using var reader = await cmd.ExecuteReaderAsync();
            while (await reader.ReadAsync())
                columns[(reader.GetString(0), reader.GetString(1))] = reader.GetBoolean(2);
        }

        using var scope = _app.Services.CreateScope();
        var model = scope.ServiceProvider.GetRequiredService<AppDbContext>().Model;
        var problems = new List<string>();
        foreach (var entity in model.GetEntityTypes())
        {
            var table = entity.GetTableName()!;
            var store = StoreObjectIdentifier.Table(table, entity.GetSchema());
            foreach (var property in entity.GetProperties())
            {
                var column = property.GetColumnName(store)!;
                if (!columns.TryGetValue((table, column), out var nullable))
                    problems.Add($"{table}.{column} (for {entity.ClrType.Name}.{property.Name}) is missing");
                else if (nullable != property.IsColumnNullable(store))
                    problems.Add($"{table}.{column} is {(nullable ? "" : "not ")}nullable in SQL but not in the model");
            }
        }
        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }
}
