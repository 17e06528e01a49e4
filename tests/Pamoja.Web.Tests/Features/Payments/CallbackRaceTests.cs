using System.Net;
using System.Text;
using Pamoja.Sandbox.Providers.Mpesa;
using Pamoja.Web.Features.Payments;
using Pamoja.Web.Tests.Infrastructure;

namespace Pamoja.Web.Tests.Features.Payments;

/// The same news arriving at the same instant by several ways — one callback delivered ten times
/// in parallel while the worker asks the provider — is booked once, and only once the provider
/// confirms it: the payment's row lock and
/// the processed-callback key, against the real database.
[Collection(PaymentsCollection.Name)]
public sealed class CallbackRaceTests(CallbackRaceTests.App fixture) : IClassFixture<CallbackRaceTests.App>
{
    public sealed class App : IAsyncLifetime
    {
        public PaymentsApp Payments { get; private set; } = null!;
        // No worker: the test sends and checks by hand, to line the race up.
        public async Task InitializeAsync() => Payments = await PaymentsApp.StartAsync(worker: false);
        public async Task DisposeAsync() => await Payments.DisposeAsync();
    }

    [Fact]
    public async Task Ten_parallel_deliveries_and_a_status_query_book_one_contribution()
    {
        var payments = fixture.Payments;
        var g = await PaymentsData.GroupAsync(payments);
        // The sandbox sends no callback for this number; the test delivers it instead.
        var (memberId, member, phone) = await g.MemberAsync(TestData.MpesaPhone(MpesaScripts.LostCallback));
        var paymentId = await g.CollectOkAsync(member, memberId, 50_000);
        var sender = payments.Service<PaymentSender>();
        await sender.SendAsync(paymentId, CancellationToken.None);
        var checkout = (string)(await GroupData.ScalarAsync("SELECT provider_ref FROM payments WHERE id = $1", paymentId))!;
        Assert.StartsWith("ws_CO_", checkout, StringComparison.Ordinal);

        var receipt = "R" + Guid.NewGuid().ToString("N")[..9].ToUpperInvariant();
        var body = """
            {"Body":{"stkCallback":{"MerchantRequestID":"29115-34620561-1","CheckoutRequestID":"CHECKOUT","ResultCode":0,
             "ResultDesc":"The service request is processed successfully.","CallbackMetadata":{"Item":[
              {"Name":"Amount","Value":500.00},{"Name":"MpesaReceiptNumber","Value":"RECEIPT"},
              {"Name":"TransactionDate","Value":20270101101500},{"Name":"PhoneNumber","Value":PHONE}]}}}}
            """.Replace("CHECKOUT", checkout, StringComparison.Ordinal).Replace("RECEIPT", receipt, StringComparison.Ordinal)
            .Replace("PHONE", phone.TrimStart('+'), StringComparison.Ordinal);
        using var http = new HttpClient { BaseAddress = payments.AppUrl };
        // The URL Daraja would call: the one Pamoja gave it, with the payment's callback token.
        var url = $"/webhooks/mpesa/stk?k={Uri.EscapeDataString(await payments.Service<CallbackTokens>().ForPaymentAsync(paymentId, 1, CancellationToken.None))}";
        var deliveries = Enumerable.Range(0, 10).Select(_ => http.PostAsync(url, new StringContent(body, Encoding.UTF8, "application/json")));
        var query = sender.CheckAsync(paymentId, 1, CancellationToken.None);
        var answers = await Task.WhenAll(deliveries);
        await query;

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.OK, a.StatusCode));
        // A reported success is booked only once the provider confirms it: the worker's next
        // check (by hand here), racing one more time with a late delivery.
        await Task.WhenAll(sender.CheckAsync(paymentId, 2, CancellationToken.None),
            http.PostAsync(url, new StringContent(body, Encoding.UTF8, "application/json")));
        var payment = await payments.SettledAsync(paymentId);
        Assert.Equal("succeeded", payment.Status);
        Assert.Equal(1, await GroupData.CountAsync("SELECT count(*) FROM contributions WHERE group_id = $1", g.GroupId));
        Assert.Equal(1, await g.EntriesAsync("contribution"));
        Assert.Equal(50_000, await g.ContributedAsync(memberId));
        Assert.Equal(11, await GroupData.CountAsync("SELECT count(*) FROM provider_callbacks WHERE payment_id = $1", paymentId));
        // One delivery counted; ten were duplicates.
        Assert.Equal(1, await PaymentsData.CallbacksAsync(paymentId, "processed"));
        Assert.Equal(10, await PaymentsData.CallbacksAsync(paymentId, "duplicate"));
        // Booked by the callback's receipt, or by the CheckoutRequestID if the first query won
        // before any delivery was stored (the STK query carries no receipt).
        Assert.Contains(payment.Receipt, new[] { receipt, checkout });
        await g.AssertJournalValidAsync();
    }
}
