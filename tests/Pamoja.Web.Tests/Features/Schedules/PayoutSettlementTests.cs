using System.Net;
using System.Text.Json;
using Pamoja.Web.Tests.Infrastructure;
using static Pamoja.Web.Tests.Infrastructure.ScheduleData;

namespace Pamoja.Web.Tests.Features.Schedules;

/// A payout is two-phase: the engine reserves it, an official pays or voids it — exactly one,
/// once, idempotent, never by the recipient, never overdrawing a pool.
public sealed class PayoutSettlementTests : ScheduleTestBase
{
    /// Chair, treasurer (receives in period 1) and a member; net pot of R1,500: R3,000 reserved.
    private async Task<(RoscaGroup G, Guid PayoutId, Guid Treasurer, Guid Member)> ReservedAsync(string method = "cash")
    {
        var g = await RoscaAsync(3, roles: new Dictionary<int, string> { [1] = "treasurer" });
        var (treasurer, member) = (g.Ids[1], g.Ids[2]);
        await g.SetOrderAsync([treasurer, g.ChairId, member]);
        Clock.MoveTo(Opens(1));
        await g.PayInAsync(g.ChairId, 150_000, method);
        await g.PayInAsync(member, 150_000, method);
        await g.RunAsync(Due(1));
        var payoutId = await g.ReservedPayoutIdAsync(1);
        Assert.Equal(300_000, (await g.PayoutForAsync(1))!.Value.GetProperty("amount").GetInt64());
        return (g, payoutId, treasurer, member);
    }

    [Fact]
    public async Task A_payout_is_paid_once_a_second_pay_or_a_void_after_it_is_409_and_one_payout_paid_entry_exists()
    {
        var (g, payoutId, treasurer, _) = await ReservedAsync();
        var paid = await g.G.CreatedAsync(await g.PayAsync(payoutId));
        Assert.Equal("paid", paid.GetProperty("status").GetString());
        Assert.Equal(payoutId, paid.GetProperty("id").GetGuid());
        Assert.Equal(300_000, paid.GetProperty("amount").GetInt64());
        Assert.Equal(treasurer, paid.GetProperty("memberId").GetGuid());

        await g.ProblemAsync(await g.PayAsync(payoutId), HttpStatusCode.Conflict, "pay twice");
        await g.ProblemAsync(await g.PayAsync(payoutId, "bank"), HttpStatusCode.Conflict, "pay twice by bank");
        await g.ProblemAsync(await g.VoidAsync(payoutId), HttpStatusCode.Conflict, "void after pay");

        Assert.Equal(1, await g.EntriesOfKindAsync("payout_paid"));
        Assert.Equal(0, await g.EntriesOfKindAsync("reversal"));
        var payout = (await g.PayoutForAsync(1))!.Value;
        Assert.Equal("paid", payout.GetProperty("status").GetString());
        Assert.Equal("cash", payout.GetProperty("method").GetString());
        Assert.Equal("paid_out", await g.StatusOfAsync(1));
        var lines = await g.LinesAsync(paid.GetProperty("entryId").GetGuid());
        Assert.Equal(new Dictionary<string, long> { ["payable:payouts"] = 300_000, ["pool:cash"] = -300_000 }, lines);
        var balances = await g.G.BalancesAsync();
        Assert.Equal(0, balances.GetProperty("pool").GetInt64());
        Assert.Equal(300_000, balances.GetProperty("members").EnumerateArray().Single(m => m.GetProperty("memberId").GetGuid() == treasurer)
            .GetProperty("received").GetInt64());
        await g.G.AssertInvariantsAsync();
    }

    [Fact]
    public async Task Voiding_a_reserved_payout_reverses_its_reservation_and_the_engine_never_reserves_that_period_again()
    {
        var (g, payoutId, treasurer, _) = await ReservedAsync();
        var reserveEntry = await g.ReserveEntryIdAsync(payoutId);
        var voided = await g.G.CreatedAsync(await g.VoidAsync(payoutId, "the recipient moved away"));
        Assert.Equal("voided", voided.GetProperty("status").GetString());

        var reversal = voided.GetProperty("entryId").GetGuid();
        Assert.Equal("reversal", await GroupData.ScalarAsync("SELECT kind FROM journal_entries WHERE id = $1", reversal));
        Assert.Equal(reserveEntry, await GroupData.ScalarAsync("SELECT reverses_entry_id FROM journal_entries WHERE id = $1", reversal));
        var lines = await g.LinesAsync(reversal);
        Assert.Equal(new Dictionary<string, long> { [$"member:{treasurer}:payouts"] = -300_000, ["payable:payouts"] = 300_000 }, lines);

        var payout = (await g.PayoutForAsync(1))!.Value;
        Assert.Equal("voided", payout.GetProperty("status").GetString());
        Assert.Equal("the recipient moved away", payout.GetProperty("reason").GetString());
        Assert.Equal("payout_voided", await g.StatusOfAsync(1));

        await g.ProblemAsync(await g.PayAsync(payoutId), HttpStatusCode.Conflict, "pay after void");
        await g.ProblemAsync(await g.VoidAsync(payoutId), HttpStatusCode.Conflict, "void twice");

        // Later runs leave the period alone: one payout, still voided, no new reservation.
        await g.RunAsync(Due(1).AddDays(1));
        await g.RunAsync(Due(2).AddDays(5));
        Assert.Equal(1, await g.EntriesOfKindAsync("payout_reserved"));
        var forPeriod = (await g.PayoutsAsync()).EnumerateArray().Where(p => p.GetProperty("period").GetInt32() == 1).ToList();
        Assert.Single(forPeriod);
        Assert.Equal("voided", forPeriod[0].GetProperty("status").GetString());
        var balances = await g.G.BalancesAsync();
        Assert.Equal(300_000, balances.GetProperty("pool").GetInt64());
        Assert.Equal(0, balances.GetProperty("members").EnumerateArray().Single(m => m.GetProperty("memberId").GetGuid() == treasurer)
            .GetProperty("received").GetInt64());
        await g.G.AssertInvariantsAsync();
    }

    [Fact]
    public async Task The_recipient_cannot_confirm_their_own_payout_and_a_plain_member_cannot_pay_or_void()
    {
        var (g, payoutId, treasurer, member) = await ReservedAsync();
        var written = await g.G.WrittenAsync();

        await g.ProblemAsync(await g.PayAsync(payoutId, client: g.ClientOf(treasurer)), HttpStatusCode.Forbidden, "recipient pays self");
        await g.ProblemAsync(await g.PayAsync(payoutId, client: g.ClientOf(member)), HttpStatusCode.Forbidden, "member pays");
        await g.ProblemAsync(await g.VoidAsync(payoutId, client: g.ClientOf(member)), HttpStatusCode.Forbidden, "member voids");
        Assert.Equal(written, await g.G.WrittenAsync());
        Assert.Equal("reserved", (await g.PayoutForAsync(1))!.Value.GetProperty("status").GetString());

        // Another official may; the recipient still can see their payout.
        Assert.Equal(HttpStatusCode.Created, (await g.PayAsync(payoutId)).StatusCode);
        var seen = await g.GetOkAsync("payouts", g.ClientOf(member));
        Assert.Equal("paid", seen.EnumerateArray().Single().GetProperty("status").GetString());
    }

    [Fact]
    public async Task The_same_idempotency_key_replays_the_first_response_byte_for_byte_and_another_body_with_it_is_422()
    {
        var (g, payoutId, _, _) = await ReservedAsync();
        var key = "pay-" + Guid.NewGuid();
        var first = await g.PayAsync(payoutId, "cash", key);
        var firstText = await first.Content.ReadAsStringAsync();
        Assert.True(first.StatusCode == HttpStatusCode.Created, firstText);
        var entries = await g.G.EntriesAsync();

        var second = await g.PayAsync(payoutId, "cash", key);
        Assert.Equal(HttpStatusCode.Created, second.StatusCode);
        Assert.Equal(firstText, await second.Content.ReadAsStringAsync());
        Assert.Equal(entries, await g.G.EntriesAsync());

        var other = await g.PayAsync(payoutId, "bank", key);
        await g.ProblemAsync(other, HttpStatusCode.UnprocessableEntity, "same key, other body");
        var otherRoute = await g.VoidAsync(payoutId, "x", key);
        await g.ProblemAsync(otherRoute, HttpStatusCode.UnprocessableEntity, "same key, void");
        Assert.Equal(entries, await g.G.EntriesAsync());
        Assert.Equal(1, await g.EntriesOfKindAsync("payout_paid"));
    }

    [Fact]
    public async Task Twenty_concurrent_pays_with_different_keys_give_one_201_and_nineteen_409s()
    {
        var (g, payoutId, _, _) = await ReservedAsync();
        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => g.PayAsync(payoutId, "cash", $"race-{i}-{Guid.NewGuid()}")));
        var codes = responses.Select(r => (int)r.StatusCode).ToList();
        Assert.True(codes.Count(c => c == 201) == 1, string.Join(",", codes) + " " + g.App.Logs.Errors());
        Assert.True(codes.Count(c => c == 409) == 19, string.Join(",", codes));
        Assert.Equal(1, await g.EntriesOfKindAsync("payout_paid"));
        Assert.Equal("paid", (await g.PayoutForAsync(1))!.Value.GetProperty("status").GetString());
        await g.G.AssertInvariantsAsync();
    }

    [Fact]
    public async Task Ten_pays_racing_ten_voids_settle_the_payout_exactly_one_way_once()
    {
        var (g, payoutId, _, _) = await ReservedAsync();
        var requests = Enumerable.Range(0, 20).Select(i => i % 2 == 0
            ? g.PayAsync(payoutId, "cash", $"pay-{i}-{Guid.NewGuid()}")
            : g.VoidAsync(payoutId, "race", $"void-{i}-{Guid.NewGuid()}"));
        var responses = await Task.WhenAll(requests);
        var codes = responses.Select(r => (int)r.StatusCode).ToList();
        Assert.True(codes.Count(c => c == 201) == 1 && codes.Count(c => c == 409) == 19, string.Join(",", codes) + " " + g.App.Logs.Errors());
        var status = (await g.PayoutForAsync(1))!.Value.GetProperty("status").GetString();
        Assert.Equal(status == "paid" ? 1 : 0, await g.EntriesOfKindAsync("payout_paid"));
        Assert.Equal(status == "voided" ? 1 : 0, await g.EntriesOfKindAsync("reversal"));
        await g.G.AssertInvariantsAsync();
    }

    [Fact]
    public async Task Paying_from_a_pool_that_does_not_hold_the_money_is_422_and_writes_nothing()
    {
        // The contributions went to the bank: the cash box holds nothing.
        var (g, payoutId, _, _) = await ReservedAsync(method: "bank");
        var written = await g.G.WrittenAsync();
        var key = Guid.NewGuid().ToString();
        var cash = await g.PayAsync(payoutId, "cash", key);
        await g.ProblemAsync(cash, HttpStatusCode.UnprocessableEntity, "cash payout from an empty cash pool");
        Assert.Equal(written, await g.G.WrittenAsync());
        Assert.Equal(0, await g.EntriesOfKindAsync("payout_paid"));
        Assert.Equal("reserved", (await g.PayoutForAsync(1))!.Value.GetProperty("status").GetString());
        Assert.Equal(0, await GroupData.CountAsync("SELECT count(*) FROM idempotency_keys WHERE key = $1", key));

        // From the bank it goes through.
        var bank = await g.G.CreatedAsync(await g.PayAsync(payoutId, "bank"));
        Assert.Equal("bank", bank.GetProperty("method").GetString());
        await g.G.AssertInvariantsAsync();
    }

    [Fact]
    public async Task Pay_and_void_bodies_are_validated_without_writing()
    {
        var (g, payoutId, _, _) = await ReservedAsync();
        var written = await g.G.WrittenAsync();
        var pay = g.Path($"payouts/{payoutId}/pay");
        foreach (var body in new[] { "{}", """{"method":"cheque"}""", """{"method":5}""", """{"method":"CASH"}""", "[]", "{", """{"method":"cash","reference":"\u0000"}""" })
            await g.ProblemAsync(await g.Chair.PostRawAsync(pay, body, Guid.NewGuid().ToString()), HttpStatusCode.BadRequest, "pay " + body);
        // Mobile money payouts are the payments engine's: not confirmed by hand.
        await g.ProblemAsync(await g.PayAsync(payoutId, "mpesa"), HttpStatusCode.UnprocessableEntity, "mpesa");
        var @void = g.Path($"payouts/{payoutId}/void");
        foreach (var body in new[] { "{}", """{"reason":""}""", """{"reason":7}""", JsonSerializer.Serialize(new { reason = new string('x', 201) }) })
            await g.ProblemAsync(await g.Chair.PostRawAsync(@void, body, Guid.NewGuid().ToString()), HttpStatusCode.BadRequest, "void " + body);
        var badKey = await g.Chair.PostRawAsync(pay, """{"method":"cash"}""", new string('k', 256));
        await g.ProblemAsync(badKey, HttpStatusCode.BadRequest, "key too long");
        Assert.Equal(written, await g.G.WrittenAsync());
        Assert.Equal("reserved", (await g.PayoutForAsync(1))!.Value.GetProperty("status").GetString());
    }
}
