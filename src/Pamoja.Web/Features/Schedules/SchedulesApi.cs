using System.Globalization;
using Pamoja.Core.Groups;
using Pamoja.Core.Rotation;
using Pamoja.Web.Features.Accounts;
using Pamoja.Web.Features.Groups;
using Pamoja.Web.Features.Ledger;
using Pamoja.Web.Http;
using Pamoja.Web.Jobs;

namespace Pamoja.Web.Features.Schedules;

public sealed record EngineRunRequest(string? BusinessDate);

/// api.md § Schedules and engines, and beyond it: the rotation as a whole, bids, paying and
/// voiding payouts.
public static class SchedulesApi
{
    public static RouteGroupBuilder MapSchedulesApi(this RouteGroupBuilder group)
    {
        group.MapGet("/schedule", async (GroupContext caller, ScheduleQueries queries, string? from, string? count, CancellationToken ct) =>
        {
            var errors = new FieldErrors();
            var first = PositiveInt(errors, "from", from, 100_000);
            var n = PositiveInt(errors, "count", count, ScheduleQueries.MaxPeriods);
            return errors.Any ? errors.ToProblem() : Results.Ok((await queries.ScheduleAsync(caller.GroupId, first, n, ct)).Periods);
        });
        group.MapGet("/obligations", async (GroupContext caller, ScheduleQueries queries, string? period, Guid? memberId, CancellationToken ct) =>
        {
            var errors = new FieldErrors();
            var p = PositiveInt(errors, "period", period, 100_000);
            return errors.Any ? errors.ToProblem() : Results.Ok(await queries.ObligationsAsync(caller.GroupId, p, memberId, ct));
        });
        group.MapGet("/payouts", async (GroupContext caller, ScheduleQueries queries, CancellationToken ct) =>
            Results.Ok(await queries.PayoutsAsync(caller.GroupId, ct)));
        group.MapPost("/payouts/{payoutId:guid}/pay", (Guid payoutId, PayPayoutRequest body, HttpContext http, GroupContext caller, SettlePayout settle,
            MoneyTransaction money, CancellationToken ct) =>
            money.RunAsync(http, caller, new { payoutId, body }, (c, tx) => settle.PayAsync(c, tx, caller, payoutId, body, ct), ct))
            .RequirePermission(Permission.RecordMoney);
        group.MapPost("/payouts/{payoutId:guid}/void", (Guid payoutId, VoidPayoutRequest body, HttpContext http, GroupContext caller, SettlePayout settle,
            MoneyTransaction money, CancellationToken ct) =>
        {
            var errors = new FieldErrors();
            var reason = errors.Text("reason", body.Reason, SettlePayout.MaxReason);
            if (errors.Any) return Task.FromResult(errors.ToProblem());
            return money.RunAsync(http, caller, new { payoutId, body }, (c, tx) => settle.VoidAsync(c, tx, caller, payoutId, reason!, ct), ct);
        }).RequirePermission(Permission.RecordMoney);

        group.MapGet("/rotation", async (GroupContext caller, RotationQueries queries, CancellationToken ct) =>
            Results.Ok(await queries.GetAsync(caller.GroupId, ct)));
        group.MapPut("/rotation", async (RotationOrderRequest body, GroupContext caller, RotationChanges rotation, CancellationToken ct) =>
            (await rotation.SetOrderAsync(caller, body, ct)).ToResult()).RequirePermission(Permission.ManageRotation);
        group.MapPut("/rotation/settings", async (RotationSettingsRequest body, GroupContext caller, RotationChanges rotation, CancellationToken ct) =>
            (await rotation.SetSettingsAsync(caller, body, ct)).ToResult()).RequirePermission(Permission.ManageRotation);
        group.MapPost("/rotation/draw", async (GroupContext caller, RotationChanges rotation, CancellationToken ct) =>
            (await rotation.DrawAsync(caller, ct)).ToResult()).RequirePermission(Permission.ManageRotation);
        group.MapPost("/rotation/bids", async (BidRequest body, GroupContext caller, RotationChanges rotation, CancellationToken ct) =>
            (await rotation.BidAsync(caller, body, ct)).ToResult(StatusCodes.Status201Created));
        return group;
    }

    /// POST /api/v1/admin/engine/run {businessDate}: operator only.
    public static WebApplication MapEngineAdminApi(this WebApplication app)
    {
        app.MapPost("/api/v1/admin/engine/run", async (EngineRunRequest body, DailyEngines engines, TimeProvider clock, CancellationToken ct) =>
        {
            if (ParseBusinessDate(body.BusinessDate, clock, out var date) is { } error)
                return new FieldErrors().Add("businessDate", error).ToProblem();
            return Results.Ok(await engines.RunAsync(date, null, ct));
        }).RequireAuthorization(AccountsModule.OperatorPolicy).WithTags("Engines");
        return app;
    }

    /// A business date the engines may run: a real date, not after tomorrow in UTC (the
    /// earliest time zones are 14 hours ahead), so no one fines members for days that have not come.
    public static string? ParseBusinessDate(string? text, TimeProvider clock, out DateOnly date)
    {
        date = default;
        if (text is null || !DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out date))
            return "businessDate is required, as YYYY-MM-DD.";
        var latest = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime).AddDays(1);
        if (date > latest) return $"The engines cannot run ahead of the calendar: the latest business date today is {latest:yyyy-MM-dd}.";
        if (date.Year < 2000) return "businessDate is too far in the past.";
        return null;
    }

    private static int? PositiveInt(FieldErrors errors, string field, string? text, int max)
    {
        if (text is null) return null;
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= 1 && value <= max) return value;
        errors.Add(field, $"{field} must be a whole number from 1 to {max}.");
        return null;
    }

}

public static class SchedulesModule
{
    public static WebApplicationBuilder AddSchedules(this WebApplicationBuilder builder)
    {
        builder.Services.Configure<EngineOptions>(builder.Configuration.GetSection("Engines"));
        builder.Services.AddSingleton<RunGroupEngines>();
        builder.Services.AddSingleton<DailyEngines>();
        builder.Services.AddSingleton<IJobHandler, EngineJobHandler>();
        builder.Services.AddHostedService<EngineScheduler>();
        builder.Services.AddScoped<ScheduleQueries>();
        builder.Services.AddScoped<RotationQueries>();
        builder.Services.AddScoped<RotationChanges>();
        builder.Services.AddScoped<SettlePayout>();
        return builder;
    }
}
