using Microsoft.AspNetCore.Identity;
using Npgsql;
using Pamoja.Core.Groups;
using Pamoja.Web.Features.Accounts;
using Pamoja.Web.Features.Audit;
using Pamoja.Web.Features.Groups;
using Pamoja.Web.Features.Ledger;
using Pamoja.Web.Http;
using Pamoja.Web.Integrations.Momo;
using Pamoja.Web.Integrations.Mpesa;

namespace Pamoja.Web.Features.Payments;

public sealed record ResolveRequest(string? Resolution);
public sealed record PaymentSettingsRequest(string? PayoutChannel);
public sealed record StandingInstructionRequest(string? Provider);

/// api.md § Money (collections, payments) and, beyond it: a group's payments, sending a payout
/// by mobile money, retrying a failed payment, reconciliation exceptions, a group's payout
/// channel and a member's standing instruction.
public static class PaymentsApi
{
    public const int MaxResolution = 500;

    public static RouteGroupBuilder MapPaymentsApi(this RouteGroupBuilder group)
    {
        // A member for themselves, an official for anyone (checked in the use case).
        group.MapPost("/collections", async (CollectionRequest body, HttpContext http, GroupContext caller, RequestCollection collect, MoneyTransaction money,
            PaymentSignal signal, CancellationToken ct) =>
        {
            var result = await money.RunAsync(http, caller, body, (c, tx) => collect.HandleAsync(c, tx, caller, body, ct), ct);
            signal.Notify();
            return result;
        });
        group.MapGet("/payments", async (GroupContext caller, PaymentQueries queries, Guid? memberId, CancellationToken ct) =>
            Results.Ok(await queries.ListAsync(caller, memberId, ct)));
        group.MapPost("/payouts/{payoutId:guid}/send", async (Guid payoutId, SendPayoutRequest body, HttpContext http, GroupContext caller, SendPayout send,
            MoneyTransaction money, PaymentSignal signal, CancellationToken ct) =>
        {
            var result = await money.RunAsync(http, caller, new { payoutId, body }, (c, tx) => send.HandleAsync(c, tx, caller, payoutId, body, ct), ct);
            signal.Notify();
            return result;
        }).RequirePermission(Permission.RecordMoney);

        group.MapGet("/reconciliation/exceptions", async (GroupContext caller, PaymentQueries queries, bool? open, CancellationToken ct) =>
            Results.Ok(await queries.ExceptionsAsync(caller.GroupId, open ?? true, ct))).RequirePermission(Permission.RecordMoney);
        group.MapPost("/reconciliation/exceptions/{exceptionId:guid}/resolve", (Guid exceptionId, ResolveRequest body, GroupContext caller,
            Reconciliation reconciliation, CancellationToken ct) => ResolveAsync(reconciliation, caller.GroupId, caller.UserId, exceptionId, body, ct))
            .RequirePermission(Permission.RecordMoney);

        group.MapPut("/payments/settings", async (PaymentSettingsRequest body, GroupContext caller, PaymentSettings settings, CancellationToken ct) =>
        {
            if (!PaymentSettings.IsChannel(body.PayoutChannel))
                return new FieldErrors().Add("payoutChannel", "payoutChannel must be manual, mpesa or momo.").ToProblem();
            await settings.SetPayoutChannelAsync(caller, body.PayoutChannel, ct);
            return Results.NoContent();
        }).RequirePermission(Permission.ChangeSettings);

        // A member's own standing instruction: the contributions engine asks them to pay on each due date.
        group.MapPut("/standing-instruction", async (StandingInstructionRequest body, GroupContext caller, PaymentSettings settings, CancellationToken ct) =>
        {
            if (body.Provider is not ("mpesa" or "momo"))
                return new FieldErrors().Add("provider", "provider must be mpesa or momo.").ToProblem();
            await settings.SetStandingInstructionAsync(caller, body.Provider, ct);
            return Results.NoContent();
        });
        group.MapDelete("/standing-instruction", async (GroupContext caller, PaymentSettings settings, CancellationToken ct) =>
        {
            await settings.SetStandingInstructionAsync(caller, null, ct);
            return Results.NoContent();
        });
        return group;
    }

    public static WebApplication MapPaymentsApi(this WebApplication app)
    {
        var payments = app.MapGroup("/api/v1/payments").WithTags("Payments").RequireAuthorization(AccountsModule.ApiPolicy);
        payments.MapGet("/{paymentId:guid}", async (Guid paymentId, HttpContext http, PaymentQueries queries, GroupAccess access, CancellationToken ct) =>
        {
            var payment = await queries.GetAsync(paymentId, ct);
            // Not found, not a member, or not theirs to see: one answer, so ids leak nothing.
            if (payment is null || await access.FindAsync(payment.GroupId, http.User, ct) is not { } caller || !PaymentQueries.MaySee(caller, payment))
                return ApiProblems.Status(StatusCodes.Status404NotFound, "Not found", "No such payment.");
            // The provider's handle is for officials: callbacks are unsigned, so a member who knew
            // it could more easily forge one (successes are confirmed with the provider anyway).
            return Results.Ok(caller.Can(Permission.RecordMoney) ? payment : payment with { ProviderRef = null, ExternalRef = payment.Receipt });
        });
        payments.MapPost("/{paymentId:guid}/retry", async (Guid paymentId, HttpContext http, PaymentQueries queries, GroupAccess access, RetryPayment retry,
            MoneyTransaction money, PaymentSignal signal, CancellationToken ct) =>
        {
            var payment = await queries.GetAsync(paymentId, ct);
            if (payment is null || await access.FindAsync(payment.GroupId, http.User, ct) is not { } caller || !PaymentQueries.MaySee(caller, payment))
                return ApiProblems.Status(StatusCodes.Status404NotFound, "Not found", "No such payment.");
            var result = await money.RunAsync(http, caller, new { paymentId }, (c, tx) => retry.HandleAsync(c, tx, caller, paymentId, ct), ct);
            signal.Notify();
            return result;
        });

        var admin = app.MapGroup("/api/v1/admin/reconciliation").WithTags("Payments").RequireAuthorization(AccountsModule.OperatorPolicy);
        admin.MapGet("/exceptions", async (PaymentQueries queries, bool? open, CancellationToken ct) =>
            Results.Ok(await queries.ExceptionsAsync(null, open ?? true, ct)));
        admin.MapPost("/exceptions/{exceptionId:guid}/resolve", (Guid exceptionId, ResolveRequest body, HttpContext http, UserManager<AppUser> users,
            Reconciliation reconciliation, CancellationToken ct) =>
            ResolveAsync(reconciliation, null, Guid.Parse(users.GetUserId(http.User)!), exceptionId, body, ct));
        admin.MapPost("/run", async (Reconciliation reconciliation, CancellationToken ct) => Results.Ok(await reconciliation.RunAsync(ct)));
        return app;
    }

    /// Closes an exception with what was done about it. Officials close their group's; operators
    /// those that belong to no group.
    private static async Task<IResult> ResolveAsync(Reconciliation reconciliation, Guid? groupId, Guid userId, Guid exceptionId, ResolveRequest body,
        CancellationToken ct)
    {
        var errors = new FieldErrors();
        var resolution = errors.Text("resolution", body.Resolution, MaxResolution);
        if (errors.Any) return errors.ToProblem();
        return await reconciliation.ResolveAsync(groupId, userId, exceptionId, resolution!, ct) switch
        {
            Reconciliation.Resolution.Resolved => Results.NoContent(),
            Reconciliation.Resolution.NotFound => ApiProblems.Status(StatusCodes.Status404NotFound, "Not found", "No such exception."),
            _ => ApiProblems.Status(StatusCodes.Status409Conflict, "Already resolved", "This exception has already been resolved."),
        };
    }

    public static WebApplicationBuilder AddPayments(this WebApplicationBuilder builder)
    {
        builder.Services.Configure<PaymentOptions>(builder.Configuration.GetSection("Payments"));
        builder.AddMpesa();
        builder.AddMomo();
        builder.Services.AddSingleton<PaymentGateways>();
        builder.Services.AddSingleton<PaymentSignal>();
        builder.Services.AddSingleton<CallbackTokens>();
        builder.Services.AddSingleton<PaymentSender>();
        builder.Services.AddSingleton<CallbackInbox>();
        builder.Services.AddSingleton<Reconciliation>();
        builder.Services.AddSingleton<PaymentsWorker>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<PaymentsWorker>());
        builder.Services.AddHostedService<ReconciliationScheduler>();
        builder.Services.AddHostedService<PaybillRegistration>();
        builder.Services.AddScoped<RequestCollection>();
        builder.Services.AddScoped<SendPayout>();
        builder.Services.AddScoped<RetryPayment>();
        builder.Services.AddScoped<PaymentQueries>();
        builder.Services.AddScoped<PaymentSettings>();
        return builder;
    }
}
