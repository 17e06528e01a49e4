using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Pamoja.Core.Payments;
using Pamoja.Sandbox.Providers.Mpesa;
using Pamoja.Web.Features.Payments;
using Pamoja.Web.Tests.Infrastructure;

namespace Pamoja.Web.Tests.Features.Payments;

/// Every provider callback endpoint fed what reaches a public URL: nothing, not JSON, the wrong
/// JSON, the right JSON with wrong types or missing fields, NUL bytes, invalid UTF-8, a megabyte,
/// deep nesting, and well-formed callbacks for ids Pamoja never issued. Never a 500: garbage gets
/// the endpoint's refusal (400; the C2B validation always answers 200 with a C2B code), the raw
/// body is kept in provider_callbacks (cut at 64 KB, truncated = true), and no payment, journal
/// entry or contribution changes. The app has a database of its own (no payments worker), so
/// "nothing changed" is checked over the whole database: a canary payment and its group's books.
public sealed class CallbackGarbageTests(CallbackGarbageTests.App fixture) : IClassFixture<CallbackGarbageTests.App>
{
    public sealed class App : IAsyncLifetime
    {
        public string ConnectionString { get; } = TestDatabase.CreateDatabase("pamoja_garbage");
        public PamojaFactory Factory { get; private set; } = null!;
        public HttpClient Client { get; private set; } = null!;
        public Guid CanaryPayment { get; private set; }
        public Guid SentPayment { get; private set; }
        public string SentCheckout { get; private set; } = "";
        public string PaybillToken { get; private set; } = "";

        public async Task InitializeAsync()
        {
            Factory = await PamojaFactory.CreateAsync(connectionString: ConnectionString);
            Client = Factory.ApiClient();
            PaybillToken = Uri.EscapeDataString(await Factory.Services.GetRequiredService<CallbackTokens>().ForPaybillAsync(CancellationToken.None));
            // A group with books, a queued M-Pesa payment that no one will ever send (no worker),
            // and one sent by hand whose callback never comes (the sandbox's lost-callback number).
            var g = await LedgerData.GroupAsync(Factory, body: LedgerData.GroupIn("KES", "Canary Chama"), connectionString: ConnectionString);
            Assert.Equal(HttpStatusCode.Created, (await g.ContributeAsync(g.ChairMemberId, 100_000)).StatusCode);
            var (memberId, member, _) = await GroupData.AddActiveAsync(Factory, g.Chair, g.GroupId);
            CanaryPayment = await CollectAsync(g, member, memberId);
            var (lostId, lost, _) = await GroupData.AddActiveAsync(Factory, g.Chair, g.GroupId, phone: TestData.MpesaPhone(MpesaScripts.LostCallback));
            SentPayment = await CollectAsync(g, lost, lostId);
            await Factory.Services.GetRequiredService<PaymentSender>().SendAsync(SentPayment, CancellationToken.None);
            SentCheckout = (string)(await LedgerData.ScalarAsync(ConnectionString, "SELECT provider_ref FROM payments WHERE id = $1 AND stage = 'sent'", SentPayment))!;
        }

        private static async Task<Guid> CollectAsync(LedgerGroup g, HttpClient member, Guid memberId)
        {
            using var response = await member.PostAsync(g.Path("collections"), new { memberId, amount = 20_000, provider = "mpesa" }, Guid.NewGuid().ToString());
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("paymentId").GetGuid();
        }

        public async Task DisposeAsync()
        {
            Client.Dispose();
            await Factory.DisposeAsync();
            TestDatabase.Drop(ConnectionString);
        }

        /// Everything a callback could change, as one string: every payment and attempt row, and
        /// how many entries, contributions and references the books hold.
        public async Task<string> BooksAsync() => (string)(await LedgerData.ScalarAsync(ConnectionString, """
            SELECT concat_ws(' | ',
                (SELECT string_agg(row_to_json(p)::text, ';' ORDER BY p.id) FROM payments p),
                (SELECT string_agg(row_to_json(a)::text, ';' ORDER BY a.payment_id, a.attempt) FROM payment_attempts a),
                (SELECT count(*) FROM journal_entries), (SELECT count(*) FROM journal_lines), (SELECT count(*) FROM contributions),
                (SELECT count(*) FROM external_references), (SELECT coalesce(sum(abs(balance)), 0) FROM ledger_balances))
            """))!;
    }

    private const string DarajaRefusal = """{"ResultCode":1,"ResultDesc":"Rejected: not a valid callback"}""";
    private const string DarajaAck = """{"ResultCode":0,"ResultDesc":"Accepted"}""";

    /// One endpoint: where it is, how provider_callbacks files it, what garbage gets, and a
    /// well-formed body naming an id (a fresh one: Pamoja never issued it).
    public sealed record Endpoint(string Name, HttpMethod Method, string Provider, string Kind, HttpStatusCode GarbageStatus, string? GarbageBody,
        Func<string, string> PathFor, Func<string, JsonObject> Valid, string IdField, (string What, string Path, string? Raw)[] WrongTypes,
        (string What, string Path)[] Missing);

    private static string Id() => Guid.NewGuid().ToString("N");

    private static string Receipt() => LedgerData.MpesaReceipt();

    private static JsonObject Json(string text) => JsonNode.Parse(text)!.AsObject();

    private static readonly Endpoint Stk = new("stk", HttpMethod.Post, "mpesa", "stk", HttpStatusCode.BadRequest, DarajaRefusal,
        _ => "/webhooks/mpesa/stk",
        id => Json($$$$$"""
            {"Body":{"stkCallback":{"MerchantRequestID":"29115-34620561-1","CheckoutRequestID":"ws_CO_{{{{{id}}}}}","ResultCode":0,
              "ResultDesc":"The service request is processed successfully.","CallbackMetadata":{"Item":[{"Name":"Amount","Value":1.00},
              {"Name":"MpesaReceiptNumber","Value":"{{{{{Receipt()}}}}}"},{"Name":"TransactionDate","Value":20191219102115},{"Name":"PhoneNumber","Value":254708374149}]}}}}
            """), "Body.stkCallback.CheckoutRequestID",
        [
            ("ResultCode as a string", "Body.stkCallback.ResultCode", "\"0\""),
            ("CheckoutRequestID as a number", "Body.stkCallback.CheckoutRequestID", "20191219102115"),
            ("ResultDesc as a number", "Body.stkCallback.ResultDesc", "5"),
            ("Amount as a string", "Body.stkCallback.CallbackMetadata.Item", """[{"Name":"Amount","Value":"1.00"},{"Name":"MpesaReceiptNumber","Value":"NLJ7RT61SV"}]"""),
            ("stkCallback as an array", "Body.stkCallback", """[{"CheckoutRequestID":"ws_CO_1","ResultCode":0}]"""),
            ("CallbackMetadata as an array", "Body.stkCallback.CallbackMetadata", "[]"),
            ("Item as a string", "Body.stkCallback.CallbackMetadata.Item", "\"MpesaReceiptNumber=NLJ7RT61SV\""),
            ("receipt in lower case", "Body.stkCallback.CallbackMetadata.Item", """[{"Name":"MpesaReceiptNumber","Value":"nlj7rt61sv"}]"""),
        ],
        [
            ("no CheckoutRequestID", "Body.stkCallback.CheckoutRequestID"),
            ("no ResultCode", "Body.stkCallback.ResultCode"),
            ("a success without metadata", "Body.stkCallback.CallbackMetadata"),
            ("no stkCallback", "Body.stkCallback"),
        ]);

    private static JsonObject B2cResult(string id) => Json($$$$$"""
        {"Result":{"ResultType":0,"ResultCode":0,"ResultDesc":"The service request is processed successfully.","OriginatorConversationID":"{{{{{id}}}}}",
          "ConversationID":"AG_20240706_{{{{{id[..12]}}}}}","TransactionID":"{{{{{Receipt()}}}}}","ResultParameters":{"ResultParameter":[
            {"Key":"TransactionAmount","Value":10},{"Key":"TransactionReceipt","Value":"{{{{{Receipt()}}}}}"},{"Key":"ReceiverPartyPublicName","Value":"254708374149 - JANE"},
            {"Key":"TransactionCompletedDateTime","Value":"06.07.2024 22:48:52"},{"Key":"B2CRecipientIsRegisteredCustomer","Value":"Y"}]},
          "ReferenceData":{"ReferenceItem":{"Key":"QueueTimeoutURL","Value":"https://example.test/timeout"}}}}
        """);

    private static readonly Endpoint B2c = new("b2c result", HttpMethod.Post, "mpesa", "b2c_result", HttpStatusCode.BadRequest, DarajaRefusal,
        _ => "/webhooks/mpesa/b2c/result", B2cResult, "Result.OriginatorConversationID",
        [
            ("ResultCode as a string", "Result.ResultCode", "\"0\""),
            ("ResultType as a string", "Result.ResultType", "\"0\""),
            ("OriginatorConversationID as a number", "Result.OriginatorConversationID", "42"),
            ("TransactionAmount as a string", "Result.ResultParameters.ResultParameter",
                """[{"Key":"TransactionAmount","Value":"10"},{"Key":"TransactionReceipt","Value":"SG632NMUAB"}]"""),
            ("a key twice", "Result.ResultParameters.ResultParameter",
                """[{"Key":"TransactionReceipt","Value":"SG632NMUAB"},{"Key":"TransactionReceipt","Value":"SG632NMUAC"}]"""),
            ("Result as an array", "Result", "[]"),
            ("ResultParameter as a number", "Result.ResultParameters.ResultParameter", "7"),
        ],
        [
            ("no OriginatorConversationID", "Result.OriginatorConversationID"),
            ("no ResultCode", "Result.ResultCode"),
            ("a success without parameters", "Result.ResultParameters"),
            ("no Result", "Result"),
        ]);

    private static readonly Endpoint B2cTimeout = new("b2c timeout", HttpMethod.Post, "mpesa", "b2c_timeout", HttpStatusCode.BadRequest, DarajaRefusal,
        _ => "/webhooks/mpesa/b2c/timeout",
        id => Json($$$$$"""{"Result":{"ResultType":0,"ResultCode":"SVC0403","ResultDesc":"Request timed out","OriginatorConversationID":"{{{{{id}}}}}","ConversationID":"AG_{{{{{id[..12]}}}}}"}}"""),
        "Result.OriginatorConversationID",
        [
            ("OriginatorConversationID as a number", "Result.OriginatorConversationID", "42"),
            ("ResultDesc as a number", "Result.ResultDesc", "5"),
            ("ConversationID as an object", "Result.ConversationID", "{}"),
            ("Result as an array", "Result", "[]"),
            ("Result as a string", "Result", "\"timeout\""),
        ],
        [
            ("no OriginatorConversationID", "Result.OriginatorConversationID"),
            ("no Result", "Result"),
        ]);

    /// Transaction Status's own QueueTimeOutURL: the B2C timeout's shape.
    private static readonly Endpoint StatusTimeout = B2cTimeout with { Name = "status timeout", Kind = "status_timeout", PathFor = _ => "/webhooks/mpesa/status/timeout" };

    private static readonly Endpoint StatusResult = new("status result", HttpMethod.Post, "mpesa", "status_result", HttpStatusCode.BadRequest, DarajaRefusal,
        _ => "/webhooks/mpesa/status/result",
        id => Json($$$$$"""
            {"Result":{"ResultType":0,"ResultCode":0,"ResultDesc":"The service request is processed successfully.","OriginatorConversationID":"ts-{{{{{id}}}}}",
              "ConversationID":"AG_{{{{{id}}}}}","TransactionID":"{{{{{Receipt()}}}}}","ResultParameters":{"ResultParameter":[
                {"Key":"OriginatorConversationID","Value":"{{{{{id}}}}}"},{"Key":"TransactionStatus","Value":"Completed"},{"Key":"ReceiptNo","Value":"{{{{{Receipt()}}}}}"},
                {"Key":"Amount","Value":10},{"Key":"DebitPartyName","Value":"600992 - Pamoja"}]},
              "ReferenceData":{"ReferenceItem":{"Key":"Occasion","Value":"{{{{{id}}}}}"}}}}
            """), "Result.ConversationID",
        [
            ("ResultCode as a string", "Result.ResultCode", "\"0\""),
            ("TransactionStatus as a number", "Result.ResultParameters.ResultParameter",
                """[{"Key":"OriginatorConversationID","Value":"x1"},{"Key":"TransactionStatus","Value":1}]"""),
            ("ResultParameters as an array", "Result.ResultParameters", "[]"),
            ("ConversationID as a number", "Result.ConversationID", "42"),
            ("Result as an array", "Result", "[]"),
        ],
        [
            ("no ResultCode", "Result.ResultCode"),
            ("a completed status without its TransactionStatus", "Result.ResultParameters.ResultParameter"),
            ("no Result", "Result"),
        ]);

    /// A C2B payload for an account number no member has (a valid Luhn code of a number far past the sequence).
    private static JsonObject C2b(string id) => Json(PaybillDepositTests.C2bBody(Receipt(), PayCode.For(7_000_000_000 + Random.Shared.NextInt64(0, 900_000_000))));

    private static readonly (string, string, string?)[] C2bWrongTypes =
    [
        ("TransAmount as a number", "TransAmount", "1500.00"),
        ("BusinessShortCode as a number", "BusinessShortCode", "600984"),
        ("BillRefNumber as a number", "BillRefNumber", "1000003"),
        ("TransID as a number", "TransID", "12345678"),
        ("MSISDN as a number", "MSISDN", "254708374149"),
        ("TransTime too short", "TransTime", "\"2023\""),
        ("TransAmount not a number", "TransAmount", "\"five\""),
        ("TransAmount negative", "TransAmount", "\"-5.00\""),
    ];

    private static readonly (string, string)[] C2bMissing =
        [("no TransID", "TransID"), ("no TransAmount", "TransAmount"), ("no BillRefNumber", "BillRefNumber"), ("no MSISDN", "MSISDN"), ("no TransTime", "TransTime")];

    private static readonly Endpoint Validation = new("c2b validation", HttpMethod.Post, "mpesa", "c2b_validation", HttpStatusCode.OK,
        """{"ResultCode":"C2B00016","ResultDesc":"Rejected"}""", _ => "/webhooks/mpesa/c2b/validation?k=PAYBILL_TOKEN", C2b, "TransID", C2bWrongTypes, C2bMissing);

    private static readonly Endpoint Confirmation = new("c2b confirmation", HttpMethod.Post, "mpesa", "c2b_confirmation", HttpStatusCode.BadRequest,
        """{"ResultCode":1,"ResultDesc":"Rejected: not a valid confirmation"}""", _ => "/webhooks/mpesa/c2b/confirmation?k=PAYBILL_TOKEN", C2b, "TransID", C2bWrongTypes, C2bMissing);

    private static JsonObject MomoBody(string _) => Json("""
        {"amount":"100","currency":"UGX","financialTransactionId":"23503452","externalId":"947354",
         "payer":{"partyIdType":"MSISDN","partyId":"4656473839"},"payerMessage":"Group contribution","payeeNote":"March","status":"SUCCESSFUL"}
        """);

    private static readonly (string, string, string?)[] MomoWrongTypes =
    [
        ("amount as a number", "amount", "100"),
        ("status as a number", "status", "1"),
        ("payer as an array", "payer", "[]"),
        ("financialTransactionId as a number", "financialTransactionId", "23503452"),
        ("currency as an array", "currency", "[\"UGX\"]"),
        ("reason as a number", "reason", "5"),
        ("status unknown", "status", "\"MAYBE\""),
    ];

    private static Endpoint Momo(HttpMethod method) => new($"momo {method.Method}", method, "momo", "callback", HttpStatusCode.BadRequest, null,
        id => $"/webhooks/momo?ref={Guid.ParseExact(id, "N"):D}", MomoBody, "status", MomoWrongTypes, [("no status", "status")]);

    public static readonly IReadOnlyDictionary<string, Endpoint> Endpoints = new[]
    {
        Stk, B2c, B2cTimeout, StatusResult, StatusTimeout, Validation, Confirmation, Momo(HttpMethod.Post), Momo(HttpMethod.Put),
    }.ToDictionary(e => e.Name);

    public static TheoryData<string> EndpointNames() => new(Endpoints.Keys);

    /// A body as sent (bytes) and as provider_callbacks must keep it.
    private sealed record Garbage(string What, byte[] Bytes, string Stored, bool Truncated, string? ContentType = "application/json");

    private static Garbage Text(string what, string text, string? contentType = "application/json") =>
        new(what, Encoding.UTF8.GetBytes(text), text, false, contentType);

    private static IEnumerable<Garbage> GarbageFor(Endpoint e)
    {
        var valid = e.Valid(Id());
        var validText = valid.ToJsonString();
        yield return new Garbage("an empty body", [], "", false, null);
        yield return Text("not JSON", "this is not JSON, it is a callback from nowhere", "text/plain");
        yield return Text("XML", "<Envelope><Body><stkCallback/></Body></Envelope>", "application/xml");
        yield return Text("cut-off JSON", validText[..(validText.Length / 2)]);
        yield return Text("JSON null", "null");
        yield return Text("a JSON number", "42");
        yield return Text("a JSON string", "\"SUCCESSFUL\"");
        yield return Text("JSON true", "true");
        yield return Text("an empty object", "{}");
        yield return Text("random JSON", """{"foo":1,"bar":[true,null,{"baz":"qux"}],"Result":null,"Body":7}""");
        yield return Text("an empty array", "[]");
        yield return Text("an array of numbers", "[1,2,3]");
        yield return Text("the callback wrapped in an array", "[" + validText + "]");
        yield return Text("the callback twice in an array", "[" + validText + "," + validText + "]");
        foreach (var (what, path, raw) in e.WrongTypes)
            yield return Text("wrong type: " + what, Mutate(e.Valid(Id()), path, raw));
        foreach (var (what, path) in e.Missing)
            yield return Text("missing: " + what, Mutate(e.Valid(Id()), path, null));

        // A raw NUL inside the id: not JSON any more. Kept with the NUL shown as U+FFFD.
        var withNul = Mutate(e.Valid(Id()), e.IdField, "\"NUL-HERE\"").Replace("NUL-HERE", "ab\0cd", StringComparison.Ordinal);
        yield return new Garbage("a raw NUL byte", Encoding.UTF8.GetBytes(withNul), withNul.Replace('\0', '\uFFFD'), false);
        // An escaped NUL: JSON, but no identifier or status has one.
        yield return Text("an escaped NUL in the id", Mutate(e.Valid(Id()), e.IdField, "\"ab\\u0000cd\""));
        // Bytes that are not UTF-8 in front of the JSON: kept as U+FFFD.
        byte[] invalid = [0xFF, 0xFE, 0xC3, 0x28, .. Encoding.UTF8.GetBytes(e.Valid(Id()).ToJsonString())];
        yield return new Garbage("invalid UTF-8", invalid, Encoding.UTF8.GetString(invalid), false);
        // ... and inside the id, where U+FFFD in its place would make a well-formed id.
        var idText = Mutate(e.Valid(Id()), e.IdField, "\"BAD-HERE\"").Split("BAD-HERE");
        byte[] invalidId = [.. Encoding.UTF8.GetBytes(idText[0]), 0x41, 0xC3, 0x28, 0xFF, 0x42, .. Encoding.UTF8.GetBytes(idText[1])];
        yield return new Garbage("invalid UTF-8 in the id", invalidId, Encoding.UTF8.GetString(invalidId), false);
        // An escaped lone surrogate: JSON, but not text that UTF-16 (or PostgreSQL) can hold.
        yield return Text("a lone surrogate escaped in the id",
            Mutate(e.Valid(Id()), e.IdField, "\"SURROGATE-HERE\"").Replace("SURROGATE-HERE", "ab\\ud800cd", StringComparison.Ordinal));
        // A megabyte: the callback with a padding field in front. The first 64 KB are kept.
        var big = Encoding.UTF8.GetBytes("{\"padding\":\"" + new string('x', 1024 * 1024) + "\"," + validText[1..]);
        yield return new Garbage("a 1 MB body", big, Encoding.UTF8.GetString(big, 0, 64 * 1024), true);
        // Nested far deeper than any parser here allows.
        yield return Text("arrays nested 5,000 deep", new string('[', 5000) + new string(']', 5000));
        var deep = new StringBuilder();
        for (var i = 0; i < 2000; i++) deep.Append("{\"Body\":");
        deep.Append("{}").Append('}', 2000);
        yield return Text("objects nested 2,000 deep", deep.ToString());
    }

    /// The body with the field at the dotted path set to raw JSON (null: removed).
    private static string Mutate(JsonObject body, string path, string? raw) => body.With(path, raw).ToJsonString();

    private async Task<HttpResponseMessage> SendAsync(Endpoint e, string id, string marker, byte[] body, string? contentType, string query = "")
    {
        // The C2B URLs as registered with M-Pesa carry the paybill's callback token.
        var path = e.PathFor(id).Replace("PAYBILL_TOKEN", fixture.PaybillToken, StringComparison.Ordinal);
        var request = new HttpRequestMessage(e.Method, path + (path.Contains('?', StringComparison.Ordinal) ? "&" : "?") + query + "t=" + marker)
        {
            Content = new ByteArrayContent(body),
        };
        if (contentType is not null) request.Content.Headers.ContentType = new(contentType);
        return await fixture.Client.SendAsync(request);
    }

    private sealed record StoredRow(Guid Id, string Provider, string Kind, string Body, bool Truncated, string Status, Guid? PaymentId, string? NoticeKey, string? Detail);

    private async Task<List<StoredRow>> StoredAsync(string marker) =>
        (await LedgerData.RowsAsync(fixture.ConnectionString,
            "SELECT id, provider, kind, body, truncated, status, payment_id, notice_key, detail FROM provider_callbacks WHERE query LIKE '%t=' || $1 || '%' ORDER BY received_at",
            marker))
        .Select(r => new StoredRow((Guid)r[0]!, (string)r[1]!, (string)r[2]!, (string)r[3]!, (bool)r[4]!, (string)r[5]!, (Guid?)r[6], (string?)r[7], (string?)r[8]))
        .ToList();

    private Task<List<object?[]>> ExceptionsAsync(Guid callbackId) => LedgerData.RowsAsync(fixture.ConnectionString,
        "SELECT kind, group_id, payment_id, resolved_at FROM reconciliation_exceptions WHERE callback_id = $1", callbackId);

    [Theory]
    [MemberData(nameof(EndpointNames))]
    public async Task Garbage_is_refused_kept_raw_and_changes_nothing(string endpoint)
    {
        var e = Endpoints[endpoint];
        var failures = new List<string>();
        var before = await fixture.BooksAsync();
        var cases = 0;
        foreach (var sent in GarbageFor(e))
        {
            cases++;
            var marker = Id();
            using var response = await SendAsync(e, Id(), marker, sent.Bytes, sent.ContentType);
            var answer = await response.Content.ReadAsStringAsync();
            var why = $"{e.Name}, {sent.What}:";
            if (response.StatusCode != e.GarbageStatus)
            {
                failures.Add($"{why} HTTP {(int)response.StatusCode} (expected {(int)e.GarbageStatus}) {Cut(answer)}");
                continue;
            }
            if (e.GarbageBody is not null && answer != e.GarbageBody)
                failures.Add($"{why} answered {Cut(answer)}");
            var rows = await StoredAsync(marker);
            if (rows.Count != 1)
            {
                failures.Add($"{why} {rows.Count} provider_callbacks rows");
                continue;
            }
            var row = rows[0];
            if ((row.Provider, row.Kind) != (e.Provider, e.Kind)) failures.Add($"{why} filed as {row.Provider}/{row.Kind}");
            if (row.Truncated != sent.Truncated) failures.Add($"{why} truncated = {row.Truncated}");
            if (row.Body != sent.Stored) failures.Add($"{why} stored body differs ({row.Body.Length} chars kept, {sent.Stored.Length} expected)");
            if (row.Status != "quarantined") failures.Add($"{why} status {row.Status}");
            if (row.PaymentId is not null || row.NoticeKey is not null) failures.Add($"{why} names payment {row.PaymentId} / notice {row.NoticeKey}");
            if ((await ExceptionsAsync(row.Id)).Count != 0) failures.Add($"{why} raised a reconciliation exception");
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures) + "\n" + fixture.Factory.Logs.Errors());
        Assert.True(cases >= 25, $"only {cases} cases");
        Assert.Equal(before, await fixture.BooksAsync());
    }

    [Theory]
    [MemberData(nameof(EndpointNames))]
    public async Task A_well_formed_callback_for_an_id_Pamoja_never_issued_is_acknowledged_and_quarantined_once(string endpoint)
    {
        var e = Endpoints[endpoint];
        var before = await fixture.BooksAsync();
        var id = Id();
        var body = Encoding.UTF8.GetBytes(e.Valid(id).ToJsonString());
        var marker = Id();
        // Delivered three times, as providers do.
        for (var i = 0; i < 3; i++)
        {
            using var response = await SendAsync(e, id, marker, body, "application/json");
            var answer = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{e.Name}: {(int)response.StatusCode} {answer} {fixture.Factory.Logs.Errors()}");
            switch (e.Kind)
            {
                case "c2b_validation":
                    Assert.Equal("""{"ResultCode":"C2B00012","ResultDesc":"Rejected"}""", answer);
                    break;
                case "c2b_confirmation":
                    Assert.Equal("""{"ResultCode":0,"ResultDesc":"Success"}""", answer);
                    break;
                case "callback":
                    Assert.Equal("", answer);
                    break;
                default:
                    Assert.Equal(DarajaAck, answer);
                    break;
            }
        }
        var rows = await StoredAsync(marker);
        Assert.Equal(3, rows.Count);
        Assert.All(rows, r => Assert.Equal(Encoding.UTF8.GetString(body), r.Body));
        Assert.All(rows, r => Assert.Null(r.PaymentId));
        var exceptions = new List<object?[]>();
        foreach (var row in rows) exceptions.AddRange(await ExceptionsAsync(row.Id));
        if (e.Kind == "c2b_validation")
        {
            // Only an answer was needed: refused, and nothing for a person to do.
            Assert.All(rows, r => Assert.Equal(("processed", "validation: rejected C2B00012"), (r.Status, r.Detail)));
            Assert.Empty(exceptions);
        }
        else
        {
            Assert.All(rows, r => Assert.Equal("quarantined", r.Status));
            // One exception however often it came, belonging to no group: an operator's.
            var found = Assert.Single(exceptions);
            Assert.Equal(e.Kind == "c2b_confirmation" ? "unmatched_deposit" : "unmatched_callback", (string)found[0]!);
            Assert.Null(found[1]);
            Assert.Null(found[2]);
        }
        Assert.Equal(before, await fixture.BooksAsync());
    }

    [Fact]
    public async Task An_STK_callback_for_an_unknown_CheckoutRequestID_is_listed_for_operators()
    {
        var checkout = "ws_CO_" + Id();
        var body = Stk.Valid(checkout["ws_CO_".Length..]).ToJsonString();
        // Its "p" names a payment that does not exist either.
        using var response = await fixture.Client.PostAsync($"/webhooks/mpesa/stk?p={Guid.NewGuid():N}-1", new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(DarajaAck, await response.Content.ReadAsStringAsync());

        var operatorClient = await TestData.OperatorAsync(fixture.Factory);
        var listed = (await operatorClient.GetFromJsonAsync<JsonElement>("/api/v1/admin/reconciliation/exceptions")).EnumerateArray()
            .Single(x => x.GetProperty("detail").GetString()!.Contains(checkout, StringComparison.Ordinal));
        Assert.Equal("unmatched_callback", listed.GetProperty("kind").GetString());
        Assert.Equal(JsonValueKind.Null, listed.GetProperty("groupId").ValueKind);
        var callbackId = listed.GetProperty("callbackId").GetGuid();
        Assert.Equal("quarantined", (string)(await LedgerData.ScalarAsync(fixture.ConnectionString, "SELECT status FROM provider_callbacks WHERE id = $1", callbackId))!);
        Assert.Equal(body, (string)(await LedgerData.ScalarAsync(fixture.ConnectionString, "SELECT body FROM provider_callbacks WHERE id = $1", callbackId))!);
    }

    [Fact]
    public async Task A_callback_that_names_a_payment_only_by_its_p_is_not_believed_for_a_send_that_did_not_happen()
    {
        var before = await fixture.BooksAsync();
        Assert.StartsWith("ws_CO_", fixture.SentCheckout, StringComparison.Ordinal);
        // The payment id is the member's to see, so the "p" Pamoja puts in callback URLs is no
        // secret: it finds a payment only for an attempt Pamoja sent, and final news only under
        // the CheckoutRequestID M-Pesa gave that attempt.
        var forged = new (string What, Guid Payment, JsonObject Body)[]
        {
            ("a success for the payment never sent", fixture.CanaryPayment, Stk.Valid(Id())),
            ("a success for the sent payment under another CheckoutRequestID", fixture.SentPayment, Stk.Valid(Id())),
            ("a failure for the sent payment under another CheckoutRequestID", fixture.SentPayment,
                Stk.Valid(Id()).With("Body.stkCallback.ResultCode", "1032").With("Body.stkCallback.CallbackMetadata", null)),
        };
        foreach (var (what, payment, body) in forged)
        {
            var marker = Id();
            using var response = await SendAsync(Stk, "", marker, Encoding.UTF8.GetBytes(body.ToJsonString()), "application/json",
                query: $"p={payment:N}-1&");
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{what}: {(int)response.StatusCode}");
            var row = Assert.Single(await StoredAsync(marker));
            Assert.True((row.Status, row.PaymentId) == ("quarantined", null), $"{what}: {row.Status} {row.PaymentId} {row.Detail}");
            Assert.Equal("unmatched_callback", (string)Assert.Single(await ExceptionsAsync(row.Id))[0]!);
        }
        Assert.Equal(before, await fixture.BooksAsync());
        Assert.Equal(("pending", "queued"), await StateAsync(fixture.CanaryPayment));
        Assert.Equal(("pending", "sent"), await StateAsync(fixture.SentPayment));
    }

    private async Task<(string Status, string Stage)> StateAsync(Guid paymentId)
    {
        var row = (await LedgerData.RowsAsync(fixture.ConnectionString, "SELECT status, stage FROM payments WHERE id = $1", paymentId)).Single();
        return ((string)row[0]!, (string)row[1]!);
    }

    [Fact]
    public async Task Text_fields_a_parser_takes_as_they_come_never_make_a_500()
    {
        var before = await fixture.BooksAsync();
        // JSON-escaped NULs and odd characters where the parsers take any string: a MoMo receipt
        // and reason, a C2B account number, an STK failure's description, a B2C timeout's
        // description. PostgreSQL text cannot hold NUL, so whatever is written must not carry it.
        var cases = new List<(string What, Endpoint Endpoint, string Id, JsonObject Body)>();
        var momoId = Id();
        cases.Add(("MoMo financialTransactionId with a NUL", Momo(HttpMethod.Put), momoId, MomoBody(momoId).With("financialTransactionId", "\"2350\\u00003452\"")));
        var momoFailed = Id();
        cases.Add(("MoMo reason with a NUL", Momo(HttpMethod.Post), momoFailed, MomoBody(momoFailed).With("status", "\"FAILED\"").With("financialTransactionId", null)
            .With("reason", """{"code":"NOT\u0000ENOUGH","message":"no\u0000money"}""")));
        var c2b = Id();
        cases.Add(("C2B confirmation account with a NUL", Confirmation, c2b, C2b(c2b).With("BillRefNumber", "\"12\\u000034\"")));
        cases.Add(("C2B validation account with a NUL", Validation, c2b, C2b(c2b).With("BillRefNumber", "\"12\\u000034\"")));
        var stk = Id();
        cases.Add(("STK failure description with a NUL", Stk, stk, Stk.Valid(stk).With("Body.stkCallback.ResultCode", "1032")
            .With("Body.stkCallback.CallbackMetadata", null).With("Body.stkCallback.ResultDesc", "\"Request cancelled\\u0000 by user\"")));
        var timeout = Id();
        cases.Add(("B2C timeout description with a NUL", B2cTimeout, timeout, B2cTimeout.Valid(timeout).With("Result.ResultDesc", "\"late\\u0000\"")));
        var failures = new List<string>();
        foreach (var (what, e, id, body) in cases)
        {
            var marker = Id();
            using var response = await SendAsync(e, id, marker, Encoding.UTF8.GetBytes(body.ToJsonString()), "application/json");
            if ((int)response.StatusCode >= 500 || (await StoredAsync(marker)) is not [{ Status: not "received" }])
                failures.Add($"{what}: HTTP {(int)response.StatusCode}, rows {string.Join(", ", (await StoredAsync(marker)).Select(r => r.Status))}");
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures) + "\n" + fixture.Factory.Logs.Errors());
        Assert.Equal(before, await fixture.BooksAsync());
    }

    private static string Cut(string s) => s.Length <= 200 ? s : s[..200] + "…";
}
