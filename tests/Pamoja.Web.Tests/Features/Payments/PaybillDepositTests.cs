using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Pamoja.Core.Payments;
using Pamoja.Sandbox.Providers.Mpesa;
using Pamoja.Web.Features.Payments;
using Pamoja.Web.Tests.Infrastructure;

namespace Pamoja.Web.Tests.Features.Payments;

/// Paybill deposits (M-Pesa C2B, protocols.md §1.6): a member pays the group's paybill from
/// their phone, typing their pay code as the account number. The Daraja sandbox is driven as
/// Safaricom would be: the app's validation and confirmation URLs are registered, then a customer
/// payment is simulated; the sandbox asks the app to validate (when a ValidationURL is
/// registered) and posts the confirmation. A deposit is recorded once per TransID, to the member
/// the pay code names; anything else is refused at validation or listed for a person.
public sealed class PaybillDepositTests(PaybillDepositTests.App fixture) : IClassFixture<PaybillDepositTests.App>
{
    /// With validation (Safaricom switches it on for the paybill) and without.
    public const string ValidatedPaybill = "600984";
    public const string UnvalidatedPaybill = "600996";

    public sealed class App : IAsyncLifetime
    {
        public OwnPayments Own { get; private set; } = null!;
        public HttpClient Daraja { get; private set; } = null!;

        /// The paybill's callback token, as the URLs registered with M-Pesa carry it.
        public string Token { get; private set; } = "";

        public async Task InitializeAsync()
        {
            Own = await OwnPayments.StartAsync(worker: false);
            Daraja = Own.Payments.SandboxClient;
            Token = Uri.EscapeDataString(await Own.Payments.Service<CallbackTokens>().ForPaybillAsync(CancellationToken.None));
            await RegisterAsync(ValidatedPaybill, validation: true);
            await RegisterAsync(UnvalidatedPaybill, validation: false);
        }

        public async Task DisposeAsync() => await Own.DisposeAsync();

        private async Task RegisterAsync(string shortCode, bool validation)
        {
            var app = Own.Payments.AppUrl;
            var body = new Dictionary<string, string>
            {
                ["ShortCode"] = shortCode,
                ["ResponseType"] = "Completed",
                ["ConfirmationURL"] = new Uri(app, "webhooks/mpesa/c2b/confirmation?k=" + Token).AbsoluteUri,
            };
            if (validation) body["ValidationURL"] = new Uri(app, "webhooks/mpesa/c2b/validation?k=" + Token).AbsoluteUri;
            using var response = await SendAsync(MpesaC2bEndpoints.RegisterV2Path, body);
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.OK, text);
            Assert.Equal("0", JsonDocument.Parse(text).RootElement.GetProperty("ResponseCode").GetString());
        }

        // Daraja's field names are PascalCase, as written.
        private static readonly JsonSerializerOptions DarajaNames = new();

        /// A Daraja API call with a fresh access token (Basic key:secret → Bearer).
        public async Task<HttpResponseMessage> SendAsync(string path, object body)
        {
            using var tokenRequest = new HttpRequestMessage(HttpMethod.Get, $"{MpesaTokenEndpoint.Path}?grant_type=client_credentials");
            tokenRequest.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("test-key:test-secret")));
            using var tokenResponse = await Daraja.SendAsync(tokenRequest);
            Assert.Equal(HttpStatusCode.OK, tokenResponse.StatusCode);
            var token = (await tokenResponse.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("access_token").GetString();
            var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body, options: DarajaNames) };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            return await Daraja.SendAsync(request);
        }
    }

    private OwnPayments Own => fixture.Own;

    private async Task<string> PayCodeAsync(PayGroup g, Guid memberId)
    {
        var code = (string)(await g.ScalarAsync("SELECT pay_code FROM group_members WHERE group_id = $1 AND id = $2", g.GroupId, memberId))!;
        Assert.True(PayCode.IsValid(code), $"pay code {code}");
        return code;
    }

    /// A customer pays the paybill through the sandbox; returns the sandbox's record of it once
    /// it has done all it will do (validated or not, confirmation posted or not).
    private async Task<MpesaTransactionView> SimulateAsync(string shortCode, string phone, long shillings, string billRef)
    {
        using (var response = await fixture.SendAsync(MpesaC2bEndpoints.SimulatePath, new
        {
            ShortCode = shortCode, CommandID = "CustomerPayBillOnline", Amount = shillings, Msisdn = phone.TrimStart('+'), BillRefNumber = billRef,
        }))
        {
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.OK, text);
            Assert.Equal("0", JsonDocument.Parse(text).RootElement.GetProperty("ResponseCode").GetString());
        }
        MpesaTransactionView? done = null;
        Assert.True(await PaymentsApp.EventuallyAsync(async () =>
        {
            var all = await fixture.Daraja.GetFromJsonAsync<List<MpesaTransactionView>>($"{MpesaSandboxApi.TransactionsPath}?phone={phone.TrimStart('+')}");
            done = all!.SingleOrDefault(t => t.Kind == "c2b" && t.Reference == billRef);
            // Rejected: the validation was its last call; otherwise the confirmation was posted.
            return done is not null && (done.Outcome == "rejected" || (done.MoneyMoved && done.CallbacksSent == (shortCode == ValidatedPaybill ? 2 : 1)));
        }), $"the sandbox did not finish the C2B payment: {JsonSerializer.Serialize(done)}");
        return done!;
    }

    /// A confirmation (or validation) payload as Daraja v2 sends it: every value a string, MSISDN masked.
    public static string C2bBody(string transId, string billRef, string amount = "1500.00", string shortCode = ValidatedPaybill) =>
        JsonSerializer.Serialize(new Dictionary<string, string>
        {
            ["TransactionType"] = "Pay Bill", ["TransID"] = transId, ["TransTime"] = "20261121121325", ["TransAmount"] = amount,
            ["BusinessShortCode"] = shortCode, ["BillRefNumber"] = billRef, ["InvoiceNumber"] = "", ["OrgAccountBalance"] = "",
            ["ThirdPartyTransID"] = "", ["MSISDN"] = "2547 ***** 126", ["FirstName"] = "JANE", ["MiddleName"] = "", ["LastName"] = "",
        });

    /// Posts as M-Pesa would, to the URL registered with it (with the paybill's token) unless told not to.
    private async Task<(HttpStatusCode Status, string Body)> PostToAppAsync(string path, string json, bool withToken = true)
    {
        if (withToken) path += "?k=" + fixture.Token;
        using var http = new HttpClient { BaseAddress = Own.Payments.AppUrl };
        using var response = await http.PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"));
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_confirmation_without_the_paybills_token_records_nothing_and_is_listed()
    {
        var g = await Own.GroupAsync();
        var (memberId, _, _) = await g.MemberAsync(TestData.Phone());
        var code = (string)(await Own.ScalarAsync("SELECT pay_code FROM group_members WHERE id = $1", memberId))!;
        var transId = LedgerData.MpesaReceipt();
        var (status, _) = await PostToAppAsync("/webhooks/mpesa/c2b/confirmation", C2bBody(transId, code), withToken: false);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(0L, await Own.CountAsync("SELECT count(*) FROM contributions WHERE reference = $1", transId));
        Assert.Equal(1L, await Own.CountAsync(
            "SELECT count(*) FROM reconciliation_exceptions WHERE kind = 'unauthenticated_callback' AND detail LIKE '%' || $1 || '%'", transId));
        var (validated, body) = await PostToAppAsync("/webhooks/mpesa/c2b/validation", C2bBody(LedgerData.MpesaReceipt(), code), withToken: false);
        Assert.Equal(HttpStatusCode.OK, validated);
        Assert.Contains("C2B00016", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_deposit_to_a_members_pay_code_is_recorded_once_as_their_contribution_with_the_TransID()
    {
        var g = await Own.GroupAsync();
        var (memberId, _, phone) = await g.MemberAsync(TestData.Phone());
        var code = await PayCodeAsync(g, memberId);
        Assert.NotEqual(code, await PayCodeAsync(g, g.G.ChairMemberId));

        var paid = await SimulateAsync(ValidatedPaybill, phone, 1_500, code);
        Assert.Equal("accepted", paid.Outcome);
        Assert.Equal(2, paid.CallbacksDelivered);
        var transId = paid.Id;
        Assert.True(await PaymentsApp.EventuallyAsync(async () =>
            await g.CountAsync("SELECT count(*) FROM provider_callbacks WHERE kind = 'c2b_confirmation' AND status <> 'received' AND body LIKE '%' || $1 || '%'", transId) == 1));

        Assert.Equal(150_000, await g.ContributedAsync(memberId));
        Assert.Equal(1, await g.CountAsync(
            "SELECT count(*) FROM contributions WHERE group_id = $1 AND member_id = $2 AND method = 'mpesa' AND reference = $3 AND amount = 150000 AND recorded_by IS NULL",
            g.GroupId, memberId, transId));
        Assert.Equal(1, await g.EntriesOfKindAsync("contribution"));
        Assert.Equal(150_000, await g.BalanceAsync("pool:mobile"));
        Assert.Equal(1, await g.CountAsync(
            "SELECT count(*) FROM provider_callbacks WHERE kind = 'c2b_validation' AND status = 'processed' AND detail = 'validation: accepted' AND body LIKE '%' || $1 || '%'", transId));
        Assert.Equal(1, await g.CountAsync(
            "SELECT count(*) FROM provider_callbacks WHERE kind = 'c2b_confirmation' AND status = 'processed' AND notice_key = $1", "mpesa:c2b:" + transId));
        Assert.Equal(1, await g.CountAsync("SELECT count(*) FROM notification_outbox WHERE template = 'payment.receipt' AND params->>'receipt' = $1", transId));
        await g.AssertJournalValidAsync();
        await g.G.AssertInvariantsAsync();
    }

    [Theory]
    [InlineData("unknown")]  // a well-formed code that names nobody
    [InlineData("mistyped")] // a member's code with one digit wrong: its check digit fails
    [InlineData("invited")]  // the code of someone invited who has not joined
    public async Task A_pay_code_that_names_no_paying_member_is_rejected_at_validation_and_nothing_is_recorded(string kind)
    {
        var g = await Own.GroupAsync();
        var (memberId, _, phone) = await g.MemberAsync(TestData.Phone());
        var code = await PayCodeAsync(g, memberId);
        var billRef = kind switch
        {
            "unknown" => PayCode.For(9_000_000_000 + Random.Shared.NextInt64(0, 900_000_000)),
            "mistyped" => code[..2] + (char)('0' + (code[2] - '0' + 1) % 10) + code[3..],
            _ => await PayCodeAsync(g, await GroupData.InviteAsync(g.Chair, g.GroupId, TestData.Phone())),
        };
        Assert.Equal(kind != "mistyped", PayCode.IsValid(billRef));

        var refused = await SimulateAsync(ValidatedPaybill, phone, 1_000, billRef);
        Assert.Equal("rejected", refused.Outcome);
        Assert.False(refused.MoneyMoved);
        Assert.Equal(1, refused.CallbacksSent); // the validation; no confirmation
        Assert.Equal(1, await g.CountAsync(
            "SELECT count(*) FROM provider_callbacks WHERE kind = 'c2b_validation' AND status = 'processed' AND detail = 'validation: rejected C2B00012' AND body LIKE '%' || $1 || '%'",
            refused.Id));
        Assert.Equal(0, await g.CountAsync("SELECT count(*) FROM provider_callbacks WHERE kind = 'c2b_confirmation' AND body LIKE '%' || $1 || '%'", refused.Id));

        // The answer itself, as Daraja reads it.
        var (status, body) = await PostToAppAsync("/webhooks/mpesa/c2b/validation", C2bBody(LedgerData.MpesaReceipt(), billRef));
        Assert.Equal(HttpStatusCode.OK, status);
        var answer = JsonDocument.Parse(body).RootElement;
        Assert.Equal(("C2B00012", "Rejected"), (answer.GetProperty("ResultCode").GetString(), answer.GetProperty("ResultDesc").GetString()));

        Assert.Equal(0, await g.ContributedAsync(memberId));
        Assert.Equal(0, await g.CountAsync("SELECT count(*) FROM contributions WHERE group_id = $1", g.GroupId));
        Assert.Equal(0, await g.CountAsync("SELECT count(*) FROM journal_entries WHERE group_id = $1", g.GroupId));
        Assert.Equal(0, await g.CountAsync("SELECT count(*) FROM reconciliation_exceptions WHERE detail LIKE '%' || $1 || '%'", refused.Id));
    }

    [Fact]
    public async Task The_same_confirmation_posted_twice_or_five_times_at_once_is_one_contribution()
    {
        var g = await Own.GroupAsync();
        var (memberId, _, _) = await g.MemberAsync(TestData.Phone());
        var code = await PayCodeAsync(g, memberId);

        // Twice, one after the other.
        var first = LedgerData.MpesaReceipt();
        foreach (var _ in Enumerable.Range(0, 2))
        {
            var (status, body) = await PostToAppAsync("/webhooks/mpesa/c2b/confirmation", C2bBody(first, code));
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.Equal(0, JsonDocument.Parse(body).RootElement.GetProperty("ResultCode").GetInt32());
        }
        Assert.Equal(1, await g.CountAsync("SELECT count(*) FROM contributions WHERE reference = $1", first));
        Assert.Equal(1, await g.CountAsync("SELECT count(*) FROM provider_callbacks WHERE notice_key = $1 AND status = 'processed'", "mpesa:c2b:" + first));
        Assert.Equal(1, await g.CountAsync(
            "SELECT count(*) FROM provider_callbacks WHERE kind = 'c2b_confirmation' AND status = 'duplicate' AND body LIKE '%' || $1 || '%'", first));

        // Five at the same moment.
        var second = LedgerData.MpesaReceipt();
        var answers = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => PostToAppAsync("/webhooks/mpesa/c2b/confirmation", C2bBody(second, code, "250.00"))));
        Assert.All(answers, a => Assert.Equal(HttpStatusCode.OK, a.Status));
        Assert.Equal(1, await g.CountAsync("SELECT count(*) FROM contributions WHERE reference = $1", second));
        Assert.Equal(1, await g.CountAsync("SELECT count(*) FROM provider_callbacks WHERE notice_key = $1 AND status = 'processed'", "mpesa:c2b:" + second));
        Assert.Equal(4, await g.CountAsync(
            "SELECT count(*) FROM provider_callbacks WHERE kind = 'c2b_confirmation' AND status = 'duplicate' AND body LIKE '%' || $1 || '%'", second));

        Assert.Equal(150_000 + 25_000, await g.ContributedAsync(memberId));
        Assert.Equal(2, await g.EntriesOfKindAsync("contribution"));
        await g.AssertJournalValidAsync();
        await g.G.AssertInvariantsAsync();
    }

    [Fact]
    public async Task A_deposit_to_an_unknown_pay_code_without_validation_is_quarantined_for_an_operator_to_resolve()
    {
        var g = await Own.GroupAsync();
        var (memberId, _, phone) = await g.MemberAsync(TestData.Phone());
        var unknown = PayCode.For(8_000_000_000 + Random.Shared.NextInt64(0, 900_000_000));

        var paid = await SimulateAsync(UnvalidatedPaybill, phone, 700, unknown);
        Assert.Equal(("accepted", true), (paid.Outcome, paid.MoneyMoved)); // M-Pesa took the money: no one asked Pamoja first
        var transId = paid.Id;
        Assert.True(await PaymentsApp.EventuallyAsync(async () => await g.CountAsync(
            "SELECT count(*) FROM provider_callbacks WHERE kind = 'c2b_confirmation' AND status = 'quarantined' AND body LIKE '%' || $1 || '%'", transId) == 1));
        Assert.Equal(0, await g.CountAsync("SELECT count(*) FROM provider_callbacks WHERE kind = 'c2b_validation' AND body LIKE '%' || $1 || '%'", transId));
        Assert.Equal(0, await g.CountAsync("SELECT count(*) FROM contributions WHERE reference = $1", transId));
        Assert.Equal(0, await g.CountAsync("SELECT count(*) FROM external_references WHERE reference = $1", transId));
        Assert.Equal(0, await g.ContributedAsync(memberId));

        var callbackId = (Guid)(await g.ScalarAsync("SELECT id FROM provider_callbacks WHERE kind = 'c2b_confirmation' AND body LIKE '%' || $1 || '%'", transId))!;
        var row = await LedgerData.RowsAsync(Own.ConnectionString,
            "SELECT id, group_id, kind, amount, currency FROM reconciliation_exceptions WHERE callback_id = $1", callbackId);
        var found = Assert.Single(row);
        Assert.Null(found[1]);
        Assert.Equal(("unmatched_deposit", 70_000L, "KES"), ((string)found[2]!, (long)found[3]!, (string)found[4]!));
        var exceptionId = (Guid)found[0]!;

        // An operator sees it; officials neither see it nor may resolve it.
        var operatorClient = await TestData.OperatorAsync(Own.Payments.App);
        var listed = (await operatorClient.GetFromJsonAsync<JsonElement>("/api/v1/admin/reconciliation/exceptions")).EnumerateArray()
            .Single(e => e.GetProperty("id").GetGuid() == exceptionId);
        Assert.Equal(JsonValueKind.Null, listed.GetProperty("groupId").ValueKind);
        Assert.Equal("unmatched_deposit", listed.GetProperty("kind").GetString());
        Assert.Equal(callbackId, listed.GetProperty("callbackId").GetGuid());
        Assert.Contains(transId, listed.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, (await g.Chair.GetAsync("/api/v1/admin/reconciliation/exceptions")).StatusCode);
        Assert.DoesNotContain((await g.Chair.GetFromJsonAsync<JsonElement>(g.Path("reconciliation/exceptions"))).EnumerateArray(),
            e => e.GetProperty("id").GetGuid() == exceptionId);
        Assert.Equal(HttpStatusCode.NotFound, (await g.Chair.PostAsync(g.Path($"reconciliation/exceptions/{exceptionId}/resolve"),
            new { resolution = "not ours" })).StatusCode);

        var resolve = $"/api/v1/admin/reconciliation/exceptions/{exceptionId}/resolve";
        Assert.Equal(HttpStatusCode.BadRequest, (await operatorClient.PostAsync(resolve, new { resolution = "" })).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await operatorClient.PostAsync(resolve,
            new { resolution = $"Refunded {transId} to the payer through the M-Pesa portal" })).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await operatorClient.PostAsync(resolve, new { resolution = "again" })).StatusCode);
        Assert.DoesNotContain((await operatorClient.GetFromJsonAsync<JsonElement>("/api/v1/admin/reconciliation/exceptions")).EnumerateArray(),
            e => e.GetProperty("id").GetGuid() == exceptionId);
        var closed = (await operatorClient.GetFromJsonAsync<JsonElement>("/api/v1/admin/reconciliation/exceptions?open=false")).EnumerateArray()
            .Single(e => e.GetProperty("id").GetGuid() == exceptionId);
        Assert.StartsWith("Refunded", closed.GetProperty("resolution").GetString(), StringComparison.Ordinal);
        Assert.Equal(JsonValueKind.String, closed.GetProperty("resolvedAt").ValueKind);
        Assert.Equal(0, await g.CountAsync("SELECT count(*) FROM journal_entries WHERE group_id = $1", g.GroupId));
    }

    [Fact]
    public async Task Pay_codes_made_in_SQL_are_the_Luhn_codes_of_PayCode_and_any_one_wrong_digit_names_nobody()
    {
        // pamoja_pay_code (migration 0006) against PayCode.For, over small and large running numbers.
        var rows = await LedgerData.RowsAsync(Own.ConnectionString, """
            SELECT n, pamoja_pay_code(n) FROM (
                SELECT generate_series(0, 3000)::bigint AS n
                UNION ALL SELECT generate_series(999000, 1003000)::bigint
                UNION ALL SELECT power(10::numeric, k)::bigint - 1 FROM generate_series(7, 11) k) x
            """);
        Assert.True(rows.Count > 7000);
        foreach (var row in rows)
        {
            var (n, sql) = ((long)row[0]!, (string)row[1]!);
            Assert.Equal(PayCode.For(n), sql);
            Assert.True(PayCode.IsValid(sql), sql);
        }

        // Every member's code in the database: valid, unique, at most 12 digits.
        var g = await Own.GroupAsync();
        await g.MemberAsync(TestData.Phone());
        var codes = (await LedgerData.RowsAsync(Own.ConnectionString, "SELECT pay_code FROM group_members")).Select(r => (string)r[0]!).ToList();
        Assert.True(codes.Count >= 2);
        Assert.All(codes, c => Assert.True(PayCode.IsValid(c) && c.Length <= PayCode.MaxLength, c));
        Assert.Equal(codes.Count, codes.Distinct(StringComparer.Ordinal).Count());

        // A digit typed wrong anywhere gives a code that fails its check.
        var code = codes[^1];
        for (var i = 0; i < code.Length; i++)
            for (var d = '0'; d <= '9'; d++)
                if (d != code[i])
                    Assert.False(PayCode.IsValid(code[..i] + d + code[(i + 1)..]), $"{code} with {d} at {i}");
        Assert.False(PayCode.IsValid(""));
        Assert.False(PayCode.IsValid("12345678901234"));
        Assert.False(PayCode.IsValid("1000000a"));
    }
}
