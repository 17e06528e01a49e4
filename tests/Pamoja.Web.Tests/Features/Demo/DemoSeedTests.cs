using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Pamoja.Web.Features.Demo;
using Pamoja.Web.Tests.Infrastructure;

namespace Pamoja.Web.Tests.Features.Demo;

/// The demo `./pamoja run` seeds: four kinds of group, logins that work, and a second run that
/// adds nothing. On a database of its own, because it only seeds an empty one.
public sealed class DemoSeedTests : IAsyncLifetime
{
    private readonly string _connectionString = TestDatabase.CreateDatabase("pamoja_demo");
    private PamojaFactory _app = null!;

    public async Task InitializeAsync() => _app = await PamojaFactory.CreateAsync(connectionString: _connectionString);

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        TestDatabase.Drop(_connectionString);
    }

    private async Task<IReadOnlyList<string>> SeedAsync()
    {
        using var scope = _app.Services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<DemoSeed>().RunAsync();
    }

    private async Task<long> CountAsync(string sql)
    {
        await using var db = new NpgsqlConnection(_connectionString);
        await db.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, db);
        return (long)(await cmd.ExecuteScalarAsync())!;
    }

    [Fact]
    public async Task Seeds_every_kind_of_group_once_with_working_logins()
    {
        var lines = await SeedAsync();
        Assert.Equal(DemoSeed.Logins.Length, lines.Count);
        Assert.Equal(4, await CountAsync("SELECT count(DISTINCT kind) FROM groups"));
        Assert.Equal(5, await CountAsync("SELECT count(*) FROM groups"));
        var members = await CountAsync("SELECT count(*) FROM group_members WHERE status = 'active'");
        Assert.True(members >= 20, $"{members} active members");

        // A second run prints the same logins and adds nothing.
        Assert.Equal(lines, await SeedAsync());
        Assert.Equal(5, await CountAsync("SELECT count(*) FROM groups"));
        Assert.Equal(members, await CountAsync("SELECT count(*) FROM group_members WHERE status = 'active'"));

        var client = _app.ApiClient();
        var token = await TestData.TokenAsync(client, DemoSeed.Logins[0].Phone, DemoSeed.DemoPassword);
        Assert.Equal(HttpStatusCode.OK, token.StatusCode);
        client.DefaultRequestHeaders.Authorization = new("Bearer", (await token.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString());
        var groups = await client.GetFromJsonAsync<JsonElement>("/api/v1/groups");
        Assert.Contains(groups.EnumerateArray(), g => g.GetProperty("name").GetString() == "Umoja Stokvel" && g.GetProperty("role").GetString() == "chair");
    }
}
