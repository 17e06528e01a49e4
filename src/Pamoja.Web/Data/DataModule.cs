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

        var connectionString = new NpgsqlConnectionStringBuilder(DatabaseUrl.ToConnectionString(raw));
        // PostgreSQL allows 100 connections by default; several app instances (or test hosts)
        // with Npgsql's default pool of 100 each would exhaust it. 25 per instance keeps a
        // 2-core database busy; requests beyond that wait for a connection instead of failing.
        if (!raw.Contains("Maximum Pool Size", StringComparison.OrdinalIgnoreCase) && !raw.Contains("MaxPoolSize", StringComparison.OrdinalIgnoreCase))
            connectionString.MaxPoolSize = 25;
        var dataSource = new NpgsqlDataSourceBuilder(connectionString.ConnectionString) { Name = "pamoja" }.Build();
        builder.Services.AddSingleton(dataSource);
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
}
