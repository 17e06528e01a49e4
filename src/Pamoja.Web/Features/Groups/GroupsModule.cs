using Pamoja.Web.Features.Audit;
using Pamoja.Web.Features.Ledger;
using Pamoja.Web.Features.Members;
using Pamoja.Web.Features.Payments;
using Pamoja.Web.Features.Schedules;

namespace Pamoja.Web.Features.Groups;

public static class GroupsModule
{
    public static WebApplicationBuilder AddGroups(this WebApplicationBuilder builder)
    {
        builder.Services.Configure<MemberOptions>(builder.Configuration.GetSection("Members"));
        builder.Services.AddScoped<GroupAccess>();
        builder.Services.AddScoped<GroupQueries>();
        builder.Services.AddScoped<CreateGroup>();
        builder.Services.AddScoped<ChangeGroupSettings>();
        builder.Services.AddScoped<MemberQueries>();
        builder.Services.AddScoped<AddMember>();
        builder.Services.AddScoped<ChangeMemberRole>();
        builder.Services.AddScoped<ChangeMemberStatus>();
        builder.Services.AddScoped<JoinGroup>();
        builder.Services.AddScoped<AcceptInvitation>();
        builder.Services.AddScoped<AuditQueries>();
        builder.Services.AddSingleton<InvitationLinks>();
        builder.Services.AddSingleton<MemberAddLimits>();
        builder.Services.Configure<Microsoft.AspNetCore.Mvc.MvcOptions>(o => o.Filters.Add<GroupPageFilter>());
        return builder;
    }

    /// Every group-scoped API route: /api/v1/groups/{groupId}/... behind GroupAccessMiddleware.
    public static WebApplication MapGroupFeatures(this WebApplication app)
    {
        app.MapGroupsApi();
        app.MapJoiningApi();
        app.MapGroupScope()
            .MapGroupApi()
            .MapMembersApi()
            .MapAuditApi()
            .MapLedgerApi()
            .MapSchedulesApi()
            .MapPaymentsApi();
        return app;
    }
}
