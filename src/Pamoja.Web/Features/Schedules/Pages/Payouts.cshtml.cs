using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Pamoja.Core.Groups;
using Pamoja.Core.Money;
using Pamoja.Web.Features.Groups;
using Pamoja.Web.Features.Groups.Pages;
using Pamoja.Web.Features.Ledger;
using Pamoja.Web.Features.Ledger.Pages;
using Pamoja.Web.Features.Members;
using Pamoja.Web.Features.Payments;
using Pamoja.Web.Features.Shared.Localization;
using Pamoja.Web.Http;

namespace Pamoja.Web.Features.Schedules.Pages;

/// Payouts: the engine reserves each period's pot; an official who is not the recipient
/// confirms it was paid (cash or bank), or voids it with a reason.
[Authorize]
public sealed class PayoutsModel(GroupQueries groups, MemberQueries members, ScheduleQueries schedules, MoneyTransaction money,
    SettlePayout settle, SendPayout send, PaymentGateways gateways, PaymentSignal signal) : PageModel
{
    public GroupView Group { get; private set; } = null!;
    public GroupContext Caller { get; private set; } = null!;
    public Currency Currency { get; private set; } = null!;
    public IReadOnlyList<PayoutView> Payouts { get; private set; } = [];
    public Guid Token { get; private set; }
    public string? Error { get; private set; }
    private Dictionary<Guid, string> _names = [];

    public IReadOnlyCollection<string> Providers => gateways.Providers;

    public string Name(Guid memberId) => _names.GetValueOrDefault(memberId, "a former member");

    public bool CanSettle(PayoutView p) => p.Status == "reserved" && Caller.Can(Permission.RecordMoney) && p.MemberId != Caller.MemberId;

    public async Task OnGetAsync(CancellationToken ct)
    {
        Token = Guid.NewGuid();
        await LoadAsync(ct);
    }

    [RequiresPermission(Permission.RecordMoney)]
    public Task<IActionResult> OnPostPayAsync(Guid payoutId, string? method, Guid token, CancellationToken ct) =>
        SettleAsync("pay", payoutId, token, method ?? "", (c, tx, caller) => settle.PayAsync(c, tx, caller, payoutId, new PayPayoutRequest(method, null), ct), ct);

    /// Sends the payout to the recipient's phone; the payment's own page follows it.
    [RequiresPermission(Permission.RecordMoney)]
    public async Task<IActionResult> OnPostSendAsync(Guid payoutId, string? provider, Guid token, CancellationToken ct)
    {
        var caller = GroupContext.From(HttpContext);
        if (token == Guid.Empty) return await Refuse(T["This form is out of date. Open the payouts again."], token, ct);
        var canonical = string.Join("\n", "pages/payouts/send", caller.GroupId.ToString("D"), payoutId.ToString("D"), provider);
        var key = new IdempotencyKey(caller.UserId, $"{token}:send:{payoutId}", SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));
        var result = MoneyResult.From(await money.RunAsync(key, (c, tx) => send.HandleAsync(c, tx, caller, payoutId, new SendPayoutRequest(provider), ct), ct));
        signal.Notify();
        if (result.Created)
            return LocalRedirect($"/groups/{caller.GroupId}/payments/{result.Read<PayoutSending>().PaymentId}");
        return await Refuse(string.Join(" ", result.Messages()), token, ct, result.Status);
    }

    [RequiresPermission(Permission.RecordMoney)]
    public Task<IActionResult> OnPostVoidAsync(Guid payoutId, string? reason, Guid token, CancellationToken ct)
    {
        var trimmed = reason?.Trim() ?? "";
        if (trimmed.Length is 0 or > SettlePayout.MaxReason)
            return Refuse(T["Say why this payout is cancelled (at most {0} characters): everyone in the group will see it.", SettlePayout.MaxReason], token, ct);
        return SettleAsync("void", payoutId, token, trimmed, (c, tx, caller) => settle.VoidAsync(c, tx, caller, payoutId, trimmed, ct), ct);
    }

    private async Task<IActionResult> SettleAsync(string action, Guid payoutId, Guid token, string detail,
        Func<Npgsql.NpgsqlConnection, Npgsql.NpgsqlTransaction, GroupContext, Task<MoneyOutcome>> work, CancellationToken ct)
    {
        var caller = GroupContext.From(HttpContext);
        if (token == Guid.Empty) return await Refuse(T["This form is out of date. Open the payouts again."], token, ct);
        // One form, one key: a double tap pays once.
        var canonical = string.Join("\n", "pages/payouts/" + action, caller.GroupId.ToString("D"), payoutId.ToString("D"), detail);
        var key = new IdempotencyKey(caller.UserId, $"{token}:{payoutId}", SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));
        var result = MoneyResult.From(await money.RunAsync(key, (c, tx) => work(c, tx, caller), ct));
        if (result.Created)
        {
            var settled = result.Read<PayoutSettled>();
            TempData[GroupPages.MessageKey] = settled.Status == "paid"
                ? T["Payout for period {0} confirmed as paid ({1}); entry #{2}.", settled.Period, settled.Method, settled.Seq]
                : T["Payout for period {0} cancelled; its reservation was reversed (entry #{1}).", settled.Period, settled.Seq];
            return LocalRedirect($"/groups/{caller.GroupId}/payouts");
        }
        Response.StatusCode = result.Status;
        return await Refuse(string.Join(" ", result.Messages()), token, ct, result.Status);
    }

    private PageTexts T => this.Texts();

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
        _names = (await members.ListAsync(Caller, ct)).ToDictionary(m => m.MemberId, m => m.FullName);
        Payouts = (await schedules.PayoutsAsync(Caller.GroupId, ct)).OrderByDescending(p => p.Period).ToList();
    }

    public static string Status(string status) => status switch
    {
        "reserved" => "Ready to pay",
        "paid" => "Paid",
        "voided" => "Cancelled",
        _ => status,
    };
}
