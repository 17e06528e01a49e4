using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Npgsql;
using Pamoja.Core.Groups;
using Pamoja.Core.Money;
using Pamoja.Web.Features.Groups;
using Pamoja.Web.Features.Groups.Pages;
using Pamoja.Web.Features.Ledger;
using Pamoja.Web.Features.Ledger.Pages;
using Pamoja.Web.Features.Shared.Localization;
using Pamoja.Web.Http;

namespace Pamoja.Web.Features.Payments.Pages;

/// Pay now (a member asks M-Pesa or MoMo to take a contribution from their phone), the payments
/// of the group (an official's view, with retries), and the reconciliation exceptions officials
/// resolve. Works without JavaScript: forms post and redirect; a pending payment's own page
/// refreshes itself until the provider answers.
[Authorize]
public sealed class PaymentsModel(GroupQueries groups, PaymentQueries payments, PaymentGateways gateways, MoneyTransaction money,
    RequestCollection collect, RetryPayment retry, PaymentSignal signal, PaymentSettings settings, Reconciliation reconciliation, NpgsqlDataSource db) : PageModel
{
    private PageTexts T => this.Texts();

    public GroupView Group { get; private set; } = null!;
    public GroupContext Caller { get; private set; } = null!;
    public Currency Currency { get; private set; } = null!;
    public IReadOnlyList<PaymentView> Payments { get; private set; } = [];
    public IReadOnlyList<ExceptionView> Exceptions { get; private set; } = [];
    public IReadOnlyCollection<string> Providers => gateways.Providers;
    public Guid Token { get; private set; }
    public string? Error { get; private set; }
    public string? AmountText { get; private set; }

    public bool Official => Caller.Can(Permission.RecordMoney);
    public bool CanChangeSettings => Caller.Can(Permission.ChangeSettings);

    /// The caller's standing instruction (null: none) and the group's payout channel.
    public string? Standing { get; private set; }
    public string PayoutChannel { get; private set; } = "manual";

    /// Sets or withdraws the caller's own standing instruction (provider "none" withdraws it).
    public async Task<IActionResult> OnPostStandingAsync(string? provider, CancellationToken ct)
    {
        Caller = GroupContext.From(HttpContext);
        if (provider is not ("mpesa" or "momo" or "none") || (provider != "none" && !gateways.Providers.Contains(provider)))
            return await Refuse(T["Choose M-Pesa, MoMo or none."], Guid.Empty, ct);
        await settings.SetStandingInstructionAsync(Caller, provider == "none" ? null : provider, ct);
        TempData[GroupPages.MessageKey] = provider == "none"
            ? T["You will no longer be asked to pay automatically."]
            : T["On each due date, {0} will ask you on your phone to pay what you owe.", PaymentBook.Name(provider)];
        return LocalRedirect($"/groups/{Caller.GroupId}/payments");
    }

    /// How the group's payouts are paid: by hand, or sent to the recipient's phone by a provider.
    [RequiresPermission(Permission.ChangeSettings)]
    public async Task<IActionResult> OnPostPayoutChannelAsync(string? channel, CancellationToken ct)
    {
        Caller = GroupContext.From(HttpContext);
        if (!PaymentSettings.IsChannel(channel) || (channel != "manual" && !gateways.Providers.Contains(channel)))
            return await Refuse(T["Choose by hand, M-Pesa or MoMo."], Guid.Empty, ct);
        await settings.SetPayoutChannelAsync(Caller, channel, ct);
        TempData[GroupPages.MessageKey] = channel == "manual" ? T["Payouts are paid by hand and confirmed by an official."]
            : T["Payouts are sent by {0} to each recipient's phone.", PaymentBook.Name(channel)];
        return LocalRedirect($"/groups/{Caller.GroupId}/payments");
    }

    public async Task OnGetAsync(CancellationToken ct)
    {
        Token = Guid.NewGuid();
        await LoadAsync(ct);
    }

    public async Task<IActionResult> OnPostPayAsync(string? amount, string? provider, Guid token, CancellationToken ct)
    {
        Caller = GroupContext.From(HttpContext);
        AmountText = amount;
        var group = await groups.ViewAsync(Caller, ct);
        var currency = Currency.Get(group.Currency);
        if (!MoneyInput.TryParse(amount, currency, out var minor, out var amountError, T))
            return await Refuse(amountError, token, ct);
        if (token == Guid.Empty) return await Refuse(T["This form is out of date. Open the page again."], token, ct);
        var request = new CollectionRequest(Caller.MemberId, minor, provider, null);
        var canonical = string.Join("\n", "pages/payments/pay", Caller.GroupId.ToString("D"), minor.ToString(System.Globalization.CultureInfo.InvariantCulture), provider);
        var key = new IdempotencyKey(Caller.UserId, $"{token}:pay", SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));
        var result = MoneyResult.From(await money.RunAsync(key, (c, tx) => collect.HandleAsync(c, tx, Caller, request, ct), ct));
        signal.Notify();
        if (result.Created)
            return LocalRedirect($"/groups/{Caller.GroupId}/payments/{result.Read<CollectionAccepted>().PaymentId}");
        return await Refuse(string.Join(" ", result.Messages()), token, ct, result.Status);
    }

    public async Task<IActionResult> OnPostRetryAsync(Guid paymentId, Guid token, CancellationToken ct)
    {
        Caller = GroupContext.From(HttpContext);
        if (token == Guid.Empty) return await Refuse(T["This form is out of date. Open the page again."], token, ct);
        var key = new IdempotencyKey(Caller.UserId, $"{token}:retry:{paymentId}", SHA256.HashData(Encoding.UTF8.GetBytes("pages/payments/retry\n" + paymentId)));
        var result = MoneyResult.From(await money.RunAsync(key, (c, tx) => retry.HandleAsync(c, tx, Caller, paymentId, ct), ct));
        signal.Notify();
        if (result.Created)
            return LocalRedirect($"/groups/{Caller.GroupId}/payments/{paymentId}");
        return await Refuse(string.Join(" ", result.Messages()), token, ct, result.Status);
    }

    [RequiresPermission(Permission.RecordMoney)]
    public async Task<IActionResult> OnPostResolveAsync(Guid exceptionId, string? resolution, Guid token, CancellationToken ct)
    {
        Caller = GroupContext.From(HttpContext);
        var text = resolution?.Trim() ?? "";
        if (text.Length is 0 or > PaymentsApi.MaxResolution)
            return await Refuse(T["Say what was done about it (at most {0} characters).", PaymentsApi.MaxResolution], token, ct);
        if (await reconciliation.ResolveAsync(Caller.GroupId, Caller.UserId, exceptionId, text, ct) != Reconciliation.Resolution.Resolved)
            return await Refuse(T["That exception is already resolved, or is not this group's."], token, ct, StatusCodes.Status409Conflict);
        TempData[GroupPages.MessageKey] = T["Exception resolved."];
        return LocalRedirect($"/groups/{Caller.GroupId}/payments");
    }

    private async Task<IActionResult> Refuse(string error, Guid token, CancellationToken ct, int status = StatusCodes.Status400BadRequest)
    {
        Error = error;
        ModelState.AddModelError("", error);
        Response.StatusCode = status;
        Token = token == Guid.Empty ? Guid.NewGuid() : token;
        await LoadAsync(ct);
        return Page();
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        Caller = GroupContext.From(HttpContext);
        Group = await groups.ViewAsync(Caller, ct);
        Currency = Currency.Get(Group.Currency);
        Payments = await payments.ListAsync(Caller, null, ct);
        await using (var cmd = db.CreateCommand("""
            SELECT g.payout_channel, si.provider FROM groups g
              LEFT JOIN standing_instructions si ON si.group_id = g.id AND si.member_id = $2
             WHERE g.id = $1
            """))
        {
            cmd.Parameters.AddWithValue(Caller.GroupId);
            cmd.Parameters.AddWithValue(Caller.MemberId);
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            if (await reader.ReadAsync(ct))
            {
                PayoutChannel = reader.GetString(0);
                Standing = reader.IsDBNull(1) ? null : reader.GetString(1);
            }
        }
        if (Official) Exceptions = await payments.ExceptionsAsync(Caller.GroupId, true, ct);
    }

    public static string Status(string status) => status switch
    {
        "pending" => "Waiting for the provider",
        "succeeded" => "Paid",
        "failed" => "Failed",
        "unknown" => "Checking with the provider",
        _ => status,
    };
}
