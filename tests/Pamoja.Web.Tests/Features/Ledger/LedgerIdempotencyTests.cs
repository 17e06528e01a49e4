using System.Net;
using System.Text.Json;
using Pamoja.Web.Tests.Infrastructure;

namespace Pamoja.Web.Tests.Features.Ledger;

/// Idempotency-Key on the money POSTs (api.md § Conventions, protocols.md §6): same key and
/// same request → the first response again, byte for byte, and no new effect; same key and
/// another request → 422; keys are the caller's own; 1–255 characters; a request refused
/// before it ran stores nothing, so the corrected request may reuse the key.
public sealed class LedgerIdempotencyTests : IAsyncLifetime
{
    private PamojaFactory _app = null!;
    public async Task InitializeAsync() => _app = await PamojaFactory.SharedAsync();
    public Task DisposeAsync() => Task.CompletedTask;

    private static string Key() => "idem-" + Guid.NewGuid();

    private static async Task<(HttpStatusCode Status, string Body, string? ContentType)> SendAsync(HttpClient client, string path, string json, string? key)
    {
        var response = await client.PostRawAsync(path, json, key);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(), response.Content.Headers.ContentType?.ToString());
    }

    private static async Task<long> KeysAsync(HttpClient client, string key) =>
        await GroupData.CountAsync("SELECT count(*) FROM idempotency_keys WHERE scope = $1 AND key = $2", await GroupData.MyIdAsync(client), key);

    [Fact]
    public async Task Contribution_same_key_same_body_replays_the_first_response_byte_for_byte()
    {
        var g = await LedgerData.GroupAsync(_app);
        var key = Key();
        var json = JsonSerializer.Serialize(LedgerData.Contribution(g.ChairMemberId, 150_000, "mpesa", LedgerData.MpesaReceipt(), memo: "June"));

        var first = await SendAsync(g.Chair, g.Path("contributions"), json, key);
        Assert.True(first.Status == HttpStatusCode.Created, first.Body + _app.Logs.Errors());
        for (var i = 0; i < 3; i++)
        {
            var again = await SendAsync(g.Chair, g.Path("contributions"), json, key);
            Assert.Equal(first, again);
        }
        Assert.Equal(1, await g.EntriesAsync());
        Assert.Equal(1, await LedgerData.CountAsync(g.ConnectionString, "SELECT count(*) FROM contributions WHERE group_id = $1", g.GroupId));
        Assert.Equal(1, await KeysAsync(g.Chair, key));
        var body = JsonDocument.Parse(first.Body).RootElement;
        Assert.Equal(1, body.GetProperty("seq").GetInt64());
        Assert.Equal(150_000, (await g.BalancesAsync()).GetProperty("pool").GetInt64());
    }

    public static TheoryData<string, string> ContributionChanges() => new()
    {
        { "amount", "150001" },
        { "memberId", "OTHER" },
        { "method", "\"momo\"" },
        { "reference", "\"QQQQQQQQQQ\"" },
        { "memo", "\"July\"" },
        { "paidOn", "TODAY-1" },
        { "currency", "\"ZAR\"" },
    };

    [Theory]
    [MemberData(nameof(ContributionChanges))]
    public async Task Contribution_same_key_other_body_is_422_and_writes_nothing(string field, string value)
    {
        var g = await LedgerData.GroupAsync(_app);
        var other = field == "memberId" ? (await GroupData.AddActiveAsync(_app, g.Chair, g.GroupId)).MemberId : Guid.Empty;
        var key = Key();
        var body = GroupData.Json(LedgerData.Contribution(g.ChairMemberId, 150_000, "mpesa", LedgerData.MpesaReceipt(), memo: "June"));
        var first = await SendAsync(g.Chair, g.Path("contributions"), body.ToJsonString(), key);
        Assert.True(first.Status == HttpStatusCode.Created, first.Body + _app.Logs.Errors());
        var written = await g.WrittenAsync();

        value = value.Replace("OTHER", $"\"{other}\"", StringComparison.Ordinal)
            .Replace("TODAY-1", $"\"{LedgerData.Date(DateOnly.FromDateTime(DateTime.UtcNow).AddDays(-2))}\"", StringComparison.Ordinal);
        var changed = body.DeepClone().AsObject().With(field, value);
        var response = await g.Chair.PostRawAsync(g.Path("contributions"), changed.ToJsonString(), key);
        var problem = await g.ProblemAsync(response, HttpStatusCode.UnprocessableEntity, field);
        Assert.Contains("Idempotency-Key", problem.GetProperty("detail").GetString()!, StringComparison.Ordinal);
        Assert.Equal(written, await g.WrittenAsync());

        // The first request with its key still replays.
        Assert.Equal(first, await SendAsync(g.Chair, g.Path("contributions"), body.ToJsonString(), key));
    }

    [Fact]
    public async Task Contribution_same_key_on_another_groups_path_is_422_not_a_replay()
    {
        var g = await LedgerData.GroupAsync(_app);
        var h = await LedgerData.GroupAsync(_app, g.Chair);
        var key = Key();
        await g.CreatedAsync(await g.ContributeAsync(g.ChairMemberId, 100, key: key));
        // Keys are the caller's: the same key on another group's path is another request → 422,
        // never a replay of the first group's response.
        var response = await h.Chair.PostAsync(h.Path("contributions"), LedgerData.Contribution(h.ChairMemberId, 100), key);
        await h.ProblemAsync(response, HttpStatusCode.UnprocessableEntity, "same key, other group");
        Assert.Equal(0, await h.EntriesAsync());
        Assert.Equal(1, await g.EntriesAsync());
    }

    [Fact]
    public async Task Contribution_keys_are_scoped_per_user()
    {
        var g = await LedgerData.GroupAsync(_app);
        var (_, treasurer, _) = await GroupData.AddActiveAsync(_app, g.Chair, g.GroupId, "treasurer");
        var key = Key();
        var json = JsonSerializer.Serialize(LedgerData.Contribution(g.ChairMemberId, 5_000, "cash"));

        var mine = await SendAsync(g.Chair, g.Path("contributions"), json, key);
        var theirs = await SendAsync(treasurer, g.Path("contributions"), json, key);
        Assert.True(mine.Status == HttpStatusCode.Created, mine.Body);
        Assert.True(theirs.Status == HttpStatusCode.Created, theirs.Body + _app.Logs.Errors());
        Assert.NotEqual(JsonDocument.Parse(mine.Body).RootElement.GetProperty("entryId").GetGuid(),
            JsonDocument.Parse(theirs.Body).RootElement.GetProperty("entryId").GetGuid());
        Assert.Equal(2, await g.EntriesAsync());
        // Each replays their own.
        Assert.Equal(mine, await SendAsync(g.Chair, g.Path("contributions"), json, key));
        Assert.Equal(theirs, await SendAsync(treasurer, g.Path("contributions"), json, key));
        // And a different body under the other user's key is judged against theirs only.
        var other = JsonSerializer.Serialize(LedgerData.Contribution(g.ChairMemberId, 6_000, "cash"));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await SendAsync(treasurer, g.Path("contributions"), other, key)).Status);
        Assert.Equal(2, await g.EntriesAsync());
    }

    [Theory]
    [InlineData(256)]
    [InlineData(1000)]
    public async Task A_key_longer_than_255_characters_is_400_and_writes_nothing(int length)
    {
        var g = await LedgerData.GroupAsync(_app);
        var key = new string('k', length);
        var response = await g.Chair.PostAsync(g.Path("contributions"), LedgerData.Contribution(g.ChairMemberId), key);
        var problem = await g.ProblemAsync(response, HttpStatusCode.BadRequest, $"key of {length}");
        Assert.True(problem.GetProperty("errors").TryGetProperty("Idempotency-Key", out _), problem.ToString());
        Assert.Equal(0, await g.EntriesAsync());
        Assert.Equal(0, await KeysAsync(g.Chair, key));
    }

    [Fact]
    public async Task An_empty_key_header_is_400_and_writes_nothing()
    {
        // Set on the server side of the test host: its HttpClient handler drops a header with an
        // empty value, which a real client can send.
        var g = await LedgerData.GroupAsync(_app);
        var json = JsonSerializer.Serialize(LedgerData.Contribution(g.ChairMemberId));
        var context = await _app.Server.SendAsync(c =>
        {
            c.Request.Method = "POST";
            c.Request.Path = g.Path("contributions");
            c.Request.Headers.Authorization = g.Chair.DefaultRequestHeaders.Authorization!.ToString();
            c.Request.Headers["X-Forwarded-For"] = TestData.Ip();
            c.Request.Headers["Idempotency-Key"] = "";
            c.Request.ContentType = "application/json";
            c.Request.Body = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(json));
        });
        Assert.True(context.Response.StatusCode == 400, $"{context.Response.StatusCode} {_app.Logs.Errors()}");
        Assert.Equal(0, await g.EntriesAsync());
    }

    [Fact]
    public async Task A_key_of_255_characters_is_accepted_and_replays()
    {
        var g = await LedgerData.GroupAsync(_app);
        var key = string.Concat(Enumerable.Repeat("0123456789abcdef", 16))[..255];
        var json = JsonSerializer.Serialize(LedgerData.Contribution(g.ChairMemberId));
        var first = await SendAsync(g.Chair, g.Path("contributions"), json, key);
        Assert.True(first.Status == HttpStatusCode.Created, first.Body + _app.Logs.Errors());
        Assert.Equal(first, await SendAsync(g.Chair, g.Path("contributions"), json, key));
        Assert.Equal(1, await g.EntriesAsync());
    }

    [Fact]
    public async Task Without_a_key_two_identical_requests_are_two_contributions()
    {
        var g = await LedgerData.GroupAsync(_app);
        var json = JsonSerializer.Serialize(LedgerData.Contribution(g.ChairMemberId, 2_500, "cash"));
        var a = await SendAsync(g.Chair, g.Path("contributions"), json, null);
        var b = await SendAsync(g.Chair, g.Path("contributions"), json, null);
        Assert.Equal(HttpStatusCode.Created, a.Status);
        Assert.Equal(HttpStatusCode.Created, b.Status);
        Assert.NotEqual(a.Body, b.Body);
        Assert.Equal(2, await g.EntriesAsync());
        Assert.Equal(5_000, (await g.BalancesAsync()).GetProperty("pool").GetInt64());
    }

    [Fact]
    public async Task The_same_request_written_with_other_spacing_and_key_order_is_a_replay_not_a_422()
    {
        var g = await LedgerData.GroupAsync(_app);
        var key = Key();
        var m = g.ChairMemberId;
        var compact = $$"""{"memberId":"{{m}}","amount":150000,"method":"cash","memo":"June dues"}""";
        var spaced = $$"""
            {
                "method" : "cash",
                "memo"   : "June dues",
                "amount" : 150000,
                "memberId" : "{{m.ToString().ToUpperInvariant()}}"
            }
            """;
        var first = await SendAsync(g.Chair, g.Path("contributions"), compact, key);
        Assert.True(first.Status == HttpStatusCode.Created, first.Body + _app.Logs.Errors());
        Assert.Equal(first, await SendAsync(g.Chair, g.Path("contributions"), spaced, key));
        Assert.Equal(1, await g.EntriesAsync());
    }

    [Fact]
    public async Task A_request_refused_by_validation_stores_nothing_and_the_fixed_request_may_reuse_the_key()
    {
        var g = await LedgerData.GroupAsync(_app);
        var key = Key();

        // Refused before execution (bad amount), and refused inside it (unknown member, M-Pesa
        // receipt taken): none of these is kept against the key.
        await g.ProblemAsync(await g.ContributeAsync(g.ChairMemberId, 0, key: key), HttpStatusCode.BadRequest, "zero");
        await g.ProblemAsync(await g.ContributeAsync(Guid.NewGuid(), 100, key: key), HttpStatusCode.BadRequest, "unknown member");
        var receipt = LedgerData.MpesaReceipt();
        await g.ContributedEntryAsync(g.ChairMemberId, 100, "mpesa", receipt);
        await g.ProblemAsync(await g.ContributeAsync(g.ChairMemberId, 100, "mpesa", receipt, key: key), HttpStatusCode.Conflict, "receipt taken");
        Assert.Equal(0, await KeysAsync(g.Chair, key));
        Assert.Equal(1, await g.EntriesAsync());

        var fixedRequest = await g.ContributeAsync(g.ChairMemberId, 100, key: key);
        var body = await g.CreatedAsync(fixedRequest);
        Assert.Equal(2, body.GetProperty("seq").GetInt64());
        Assert.Equal(1, await KeysAsync(g.Chair, key));
        Assert.Equal(2, await g.EntriesAsync());
    }

    // Reversals: POST /journal/{entryId}/reverse

    [Fact]
    public async Task Reversal_matrix_replay_mismatch_and_other_user()
    {
        var g = await LedgerData.GroupAsync(_app);
        var (_, treasurer, _) = await GroupData.AddActiveAsync(_app, g.Chair, g.GroupId, "treasurer");
        var entry = await g.ContributedEntryAsync(g.ChairMemberId, 9_000);
        var key = Key();
        var path = g.Path($"journal/{entry}/reverse");
        var json = """{"reason":"paid into the wrong group"}""";

        var first = await SendAsync(g.Chair, path, json, key);
        Assert.True(first.Status == HttpStatusCode.Created, first.Body + _app.Logs.Errors());
        Assert.Equal(first, await SendAsync(g.Chair, path, "{ \"reason\" : \"paid into the wrong group\" }", key));
        Assert.Equal(2, await g.EntriesAsync());

        // Same key, another reason → 422; same key for another entry's reversal → 422.
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await SendAsync(g.Chair, path, """{"reason":"another reason"}""", key)).Status);
        var other = await g.ContributedEntryAsync(g.ChairMemberId, 1_000);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await SendAsync(g.Chair, g.Path($"journal/{other}/reverse"), json, key)).Status);
        Assert.Equal(3, await g.EntriesAsync());

        // Another official's same key is their own: a new request, which finds the entry reversed.
        var theirs = await treasurer.PostRawAsync(path, json, key);
        await g.ProblemAsync(theirs, HttpStatusCode.Conflict, "treasurer's reversal with the chair's key");
        Assert.Equal(3, await g.EntriesAsync());
        Assert.Equal(1, await LedgerData.CountAsync(g.ConnectionString, "SELECT count(*) FROM journal_entries WHERE reverses_entry_id = $1", entry));
    }

    [Fact]
    public async Task Reversal_refused_for_a_bad_reason_stores_nothing_and_the_fixed_request_may_reuse_the_key()
    {
        var g = await LedgerData.GroupAsync(_app);
        var entry = await g.ContributedEntryAsync(g.ChairMemberId, 9_000);
        var key = Key();
        await g.ProblemAsync(await g.ReverseAsync(entry, "", key), HttpStatusCode.BadRequest, "empty reason");
        await g.ProblemAsync(await g.ReverseAsync(Guid.NewGuid(), "typo", key), HttpStatusCode.NotFound, "unknown entry");
        await g.CreatedAsync(await g.ReverseAsync(entry, "typo", key));
        Assert.Equal(2, await g.EntriesAsync());
    }

    // Fines: POST /fines (two entries when paid at once)

    [Fact]
    public async Task Fine_matrix_replay_mismatch_and_other_user()
    {
        var g = await LedgerData.GroupAsync(_app);
        var (_, treasurer, _) = await GroupData.AddActiveAsync(_app, g.Chair, g.GroupId, "treasurer");
        var key = Key();
        var json = JsonSerializer.Serialize(new { memberId = g.ChairMemberId, amount = 5_000, reason = "late for the meeting", paidNow = true, method = "cash" });

        var first = await SendAsync(g.Chair, g.Path("fines"), json, key);
        Assert.True(first.Status == HttpStatusCode.Created, first.Body + _app.Logs.Errors());
        Assert.Equal(first, await SendAsync(g.Chair, g.Path("fines"), json, key));
        Assert.Equal(first, await SendAsync(g.Chair, g.Path("fines"), "\n" + json.Replace(",", " ,\n ", StringComparison.Ordinal) + "\n", key));
        Assert.Equal(2, await g.EntriesAsync());

        foreach (var changed in new object[]
                 {
                     new { memberId = g.ChairMemberId, amount = 5_001, reason = "late for the meeting", paidNow = true, method = "cash" },
                     new { memberId = g.ChairMemberId, amount = 5_000, reason = "late", paidNow = true, method = "cash" },
                     new { memberId = g.ChairMemberId, amount = 5_000, reason = "late for the meeting", paidNow = false, method = "cash" },
                     new { memberId = g.ChairMemberId, amount = 5_000, reason = "late for the meeting", paidNow = true, method = "bank" },
                 })
            await g.ProblemAsync(await g.Chair.PostAsync(g.Path("fines"), changed, key), HttpStatusCode.UnprocessableEntity, JsonSerializer.Serialize(changed));
        Assert.Equal(2, await g.EntriesAsync());

        var theirs = await SendAsync(treasurer, g.Path("fines"), json, key);
        Assert.True(theirs.Status == HttpStatusCode.Created, theirs.Body);
        Assert.NotEqual(first.Body, theirs.Body);
        Assert.Equal(4, await g.EntriesAsync());
        Assert.Equal(10_000, (await g.BalancesAsync()).GetProperty("pools").GetProperty("cash").GetInt64());
    }

    [Fact]
    public async Task Fine_refused_by_validation_stores_nothing_and_the_fixed_request_may_reuse_the_key()
    {
        var g = await LedgerData.GroupAsync(_app);
        var key = Key();
        await g.ProblemAsync(await g.FineAsync(g.ChairMemberId, 5_000, paidNow: true, key: key), HttpStatusCode.BadRequest, "paid now without a method");
        var body = await g.CreatedAsync(await g.FineAsync(g.ChairMemberId, 5_000, paidNow: true, method: "momo", key: key));
        Assert.NotEqual(JsonValueKind.Null, body.GetProperty("paymentEntryId").ValueKind);
        Assert.Equal(2, await g.EntriesAsync());
    }

    [Fact]
    public async Task Fees_and_opening_balances_replay_too()
    {
        var g = await LedgerData.GroupAsync(_app);
        var key = Key();
        var opening = JsonSerializer.Serialize(new { asOf = "2025-01-31", pools = new { cash = 10_000, bank = 0, mobile = 0 }, members = new[] { new { memberId = g.ChairMemberId, contributed = 8_000, owed = 0 } } });
        var first = await SendAsync(g.Chair, g.Path("opening-balances"), opening, key);
        Assert.True(first.Status == HttpStatusCode.Created, first.Body + _app.Logs.Errors());
        // A replay, not "books already open".
        Assert.Equal(first, await SendAsync(g.Chair, g.Path("opening-balances"), opening, key));

        var feeKey = Key();
        var fee = JsonSerializer.Serialize(new { memberId = g.ChairMemberId, amount = 2_000, method = "cash" });
        var paid = await SendAsync(g.Chair, g.Path("fees"), fee, feeKey);
        Assert.True(paid.Status == HttpStatusCode.Created, paid.Body + _app.Logs.Errors());
        Assert.Equal(paid, await SendAsync(g.Chair, g.Path("fees"), fee, feeKey));
        Assert.Equal(HttpStatusCode.UnprocessableEntity,
            (await SendAsync(g.Chair, g.Path("fees"), JsonSerializer.Serialize(new { memberId = g.ChairMemberId, amount = 2_001, method = "cash" }), feeKey)).Status);
        Assert.Equal(2, await g.EntriesAsync());
    }
}
