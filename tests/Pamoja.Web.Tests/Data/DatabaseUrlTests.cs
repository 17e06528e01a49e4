using Npgsql;
using Pamoja.Web.Data;

namespace Pamoja.Web.Tests.Data;

/// PAMOJA_DATABASE_URL as operators write it (docs/operations.md): the parts and libpq's
/// sslmode spellings become Npgsql settings.
public sealed class DatabaseUrlTests
{
    [Theory]
    [InlineData("disable", SslMode.Disable)]
    [InlineData("require", SslMode.Require)]
    [InlineData("verify-full", SslMode.VerifyFull)]
    [InlineData("verify-ca", SslMode.VerifyCA)]
    public void Sslmode_takes_libpqs_spelling(string sslmode, SslMode expected)
    {
        var cs = new NpgsqlConnectionStringBuilder(DatabaseUrl.ToConnectionString($"postgres://app:s%40cret@db.example.org:6543/pamoja?sslmode={sslmode}"));
        Assert.Equal(expected, cs.SslMode);
        Assert.Equal(("db.example.org", 6543, "pamoja", "app", "s@cret"), (cs.Host, cs.Port, cs.Database, cs.Username, cs.Password));
    }

    [Fact]
    public void Without_sslmode_npgsql_prefers_tls()
    {
        var cs = new NpgsqlConnectionStringBuilder(DatabaseUrl.ToConnectionString("postgres://app:pw@localhost/pamoja"));
        Assert.Equal((SslMode.Prefer, 5432), (cs.SslMode, cs.Port));
    }
}
