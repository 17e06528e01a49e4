using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Pamoja.Core.Money;
using Pamoja.Web.Features.Groups;

namespace Pamoja.Web.Features.Payments.Pages;

/// One payment's live status. While the provider has not answered, the page reloads itself every
/// few seconds (a meta refresh: no JavaScript needed on a cheap phone).
[Authorize]
public sealed class PaymentModel(PaymentQueries payments) : PageModel
{
    public PaymentView Payment { get; private set; } = null!;
    public Currency Currency { get; private set; } = null!;
    public bool Open => Payment.Status is "pending" or "unknown";

    public async Task<IActionResult> OnGetAsync(Guid paymentId, CancellationToken ct)
    {
        var caller = GroupContext.From(HttpContext);
        if (await payments.GetAsync(paymentId, ct) is not { } payment || !PaymentQueries.MaySee(caller, payment))
            return NotFound();
        Payment = payment;
        Currency = Currency.Get(payment.Currency);
        return Page();
    }
}
