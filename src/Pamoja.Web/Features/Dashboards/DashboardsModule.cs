namespace Pamoja.Web.Features.Dashboards;

public static class DashboardsModule
{
    public static WebApplicationBuilder AddDashboards(this WebApplicationBuilder builder)
    {
        builder.Services.AddScoped<DashboardQueries>();
        return builder;
    }
}
