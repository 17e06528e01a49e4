using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Pamoja.Web.Data;

public static class DataModule
{
    /// PostgreSQL for everything: one NpgsqlDataSource (pooled) shared by EF Core and raw SQL.
    /// PAMOJA_DATABASE_URL wins over ConnectionStrings:Pamoja.
    public static WebApplicationBuilder AddData(this WebApplicationBuilder builder)
    {
        var raw = builder.Configuration["PAMOJA_DATABASE_URL"] is { Length: > 0 } url
            ? url
            : builder.Configuration.GetConnectionString("Pamoja");
        if (string.IsNullOrWhiteSpace(raw))
            throw new InvalidOperationException(
                "No database configured: set PAMOJA_DATABASE_URL (postgres://user:password@host:5432/db) or ConnectionStrings__Pamoja.");

        var dataSource = CreateDataSource(raw, "pamoja");
        // Registered through a factory so the container disposes it with the host: its pooled
        // connections close when an app (or a test's app) stops, instead of idling until pruned.
        builder.Services.AddSingleton(_ => dataSource);
        builder.Services.AddDbContext<AppDbContext>(o => o.UseNpgsql(dataSource));

        builder.Services.AddSingleton<MigrationRunner>();
        // First of all hosted services: data protection's own start-up service reads its keys
        // from the database, so the schema must exist before it runs.
        builder.Services.Insert(0, ServiceDescriptor.Singleton<IHostedService, MigrateOnStartup>());

        builder.Services.AddDataProtection().SetApplicationName("Pamoja");
        builder.Services.AddSingleton<IConfigureOptions<KeyManagementOptions>>(sp =>
            new ConfigureOptions<KeyManagementOptions>(o => o.XmlRepository = new PostgresXmlRepository(sp.GetRequiredService<NpgsqlDataSource>())));
        return builder;
    }

    /// The one place connection settings are decided, so the app and the benchmark's
    /// ceiling share them (bench/ must not measure a differently tuned pool).
    /// - Pool of 25 per instance: PostgreSQL allows 100 connections by default and several
    ///   app instances (or test hosts) with Npgsql's default of 100 each would exhaust it;
    ///   25 keeps a 2-core database busy, and requests beyond that wait instead of failing.
    /// - Automatic preparation: a statement run twice on a connection is prepared there, so
    ///   the hot paths (recording a contribution, the engines) skip parsing and planning.
    ///   Behind PgBouncer in transaction mode this needs max_prepared_statements (1.21+),
    ///   see docs/operations.md.
    /// An explicit setting in the connection string wins over both.
    public static NpgsqlDataSource CreateDataSource(string databaseUrlOrConnectionString, string name)
    {
        var connectionString = new NpgsqlConnectionStringBuilder(DatabaseUrl.ToConnectionString(databaseUrlOrConnectionString));
        bool Mentions(params string[] keys) => keys.Any(k => databaseUrlOrConnectionString.Contains(k, StringComparison.OrdinalIgnoreCase));
        if (!Mentions("Maximum Pool Size", "MaxPoolSize"))
            connectionString.MaxPoolSize = 25;
        if (!Mentions("Max Auto Prepare", "MaxAutoPrepare"))
            connectionString.MaxAutoPrepare = 64;
        if (!Mentions("Auto Prepare Min Usages", "AutoPrepareMinUsages"))
            connectionString.AutoPrepareMinUsages = 2;
        return new NpgsqlDataSourceBuilder(connectionString.ConnectionString) { Name = name }.Build();
    }
}
