using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Pamoja.Core.Rotation;
using Pamoja.Web.Tests.Infrastructure;
using static Pamoja.Web.Tests.Infrastructure.ScheduleData;

namespace Pamoja.Web.Tests.Features.Schedules;

/// The lottery draw by commit and reveal: the commitment is public before anyone can know who
/// will be in the draw; the revealed seed lets any member re-run it.
public sealed class LotteryDrawTests : ScheduleTestBase
{
    private static string Sha256Hex(string seedHex) => Convert.ToHexStringLower(SHA256.HashData(Convert.FromHexString(seedHex)));

    [Fact]
    public async Task The_commitment_is_published_at_creation_and_the_draw_reveals_a_seed_that_hashes_to_it_and_recomputes_the_order()
    {
        var chair = App.ApiClient();
        await TestData.SignedInAsync(chair);
        var g0 = await LedgerData.GroupAsync(App, chair, Rosca(order: "lottery", name: "Tontine Lottery"));
        var early = await chair.GetFromJsonAsync<JsonElement>(g0.Path("rotation"));
        Assert.Equal("lottery", early.GetProperty("method").GetString());
        var next = early.GetProperty("nextDraw");
        Assert.Equal(1, next.GetProperty("cycle").GetInt32());
        var commitment = next.GetProperty("commitment").GetString()!;
        Assert.Matches("^[0-9a-f]{64}$", commitment);
        Assert.Empty(early.GetProperty("cycles").EnumerateArray());
        Assert.DoesNotContain("seed\":\"", early.GetRawText().Replace("\"seed\":null", "", StringComparison.Ordinal), StringComparison.Ordinal);

        // Members join after the commitment was published; it does not change.
        var members = new List<Guid> { g0.ChairMemberId };
        var clients = new List<HttpClient> { chair };
        for (var i = 0; i < 4; i++)
        {
            var added = await GroupData.AddActiveAsync(App, chair, g0.GroupId, i == 0 ? "treasurer" : "member");
            members.Add(added.MemberId);
            clients.Add(added.Client);
        }
        var g = new RoscaGroup(App, Clock, g0, members.Select((m, i) => new RoscaMember(m, clients[i], "")).ToList());
        Assert.Equal(commitment, (await g.RotationAsync(clients[2])).GetProperty("nextDraw").GetProperty("commitment").GetString());

        // Only the chair draws.
        await g.ProblemAsync(await clients[1].PostAsJsonAsync(g.Path("rotation/draw"), new { }), HttpStatusCode.Forbidden, "treasurer draws");
        await g.ProblemAsync(await clients[2].PostAsJsonAsync(g.Path("rotation/draw"), new { }), HttpStatusCode.Forbidden, "member draws");

        var response = await chair.PostAsJsonAsync(g.Path("rotation/draw"), new { });
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode} {text} {App.Logs.Errors()}");
        var draw = JsonDocument.Parse(text).RootElement;
        var seed = draw.GetProperty("seed").GetString()!;
        Assert.Equal(commitment, draw.GetProperty("commitment").GetString());
        Assert.Equal(commitment, Sha256Hex(seed));
        Assert.True(Lottery.Matches(seed, commitment));
        var order = draw.GetProperty("order").EnumerateArray().Select(e => e.GetGuid()).ToList();
        Assert.Equal(members.ToHashSet(), order.ToHashSet());
        Assert.Equal(members.Count, order.Count);
        Assert.Equal(Lottery.Draw(seed, members), order);
        Assert.Equal(Lottery.Draw(seed, Enumerable.Reverse(members)), order); // the input order does not matter

        // The drawn cycle is public with its seed; the next draw has a new, different commitment.
        var rotation = await g.RotationAsync(clients[3]);
        var cycle = rotation.GetProperty("cycles").EnumerateArray().Single();
        Assert.Equal(seed, cycle.GetProperty("seed").GetString());
        Assert.Equal(commitment, cycle.GetProperty("commitment").GetString());
        Assert.Equal(order, cycle.GetProperty("turns").EnumerateArray().Select(t => t.GetProperty("memberId").GetGuid()).ToList());
        var nextDraw = rotation.GetProperty("nextDraw");
        Assert.Equal(2, nextDraw.GetProperty("cycle").GetInt32());
        Assert.NotEqual(commitment, nextDraw.GetProperty("commitment").GetString());

        // A second draw for the same cycle is refused, and changes nothing.
        var state = await g.RotationStateAsync();
        await g.ProblemAsync(await chair.PostAsJsonAsync(g.Path("rotation/draw"), new { }), HttpStatusCode.Conflict, "second draw");
        Assert.Equal(state, await g.RotationStateAsync());
        Assert.Equal(nextDraw.GetProperty("commitment").GetString(), (await g.RotationAsync()).GetProperty("nextDraw").GetProperty("commitment").GetString());

        // The schedule and the engine follow the draw.
        await g.RunAsync(Opens(1));
        for (var i = 0; i < order.Count; i++)
            Assert.Equal(order[i], await g.RecipientOfAsync(i + 1));
        Assert.Null(await g.ObligationAsync(order[0], 1));
        Assert.Equal(order.Count - 1, (await g.ObligationsAsync(1)).GetArrayLength());
    }

    [Fact]
    public async Task Without_a_draw_the_engine_draws_with_the_published_commitment_and_anyone_can_check_it()
    {
        var g = await RoscaAsync(4, Rosca(order: "lottery"));
        var commitment = (await g.RotationAsync()).GetProperty("nextDraw").GetProperty("commitment").GetString()!;
        await g.RunAsync(Opens(1));

        var rotation = await g.RotationAsync(g.ClientOf(g.Ids[2]));
        var cycle = rotation.GetProperty("cycles").EnumerateArray().Single();
        var seed = cycle.GetProperty("seed").GetString()!;
        Assert.Equal(commitment, cycle.GetProperty("commitment").GetString());
        Assert.Equal(commitment, Sha256Hex(seed));
        var turns = cycle.GetProperty("turns").EnumerateArray().ToList();
        Assert.Equal(Lottery.Draw(seed, g.Ids), turns.Select(t => t.GetProperty("memberId").GetGuid()).ToList());
        Assert.Equal([1, 2, 3, 4], turns.Select(t => t.GetProperty("period").GetInt32()).ToArray());
        Assert.Equal(2, rotation.GetProperty("nextDraw").GetProperty("cycle").GetInt32());

        // The cycle is drawn: a draw now is refused.
        await g.ProblemAsync(await g.Chair.PostAsJsonAsync(g.Path("rotation/draw"), new { }), HttpStatusCode.Conflict, "draw after the engine drew");
    }
    [Fact]
    public async Task The_next_cycle_is_drawn_with_the_commitment_published_at_the_previous_draw_and_secret_seeds_never_show()
    {
        var g = await RoscaAsync(2, Rosca(order: "lottery", pot: "gross"));
        var draw1 = await g.GetDrawAsync();
        var published = (await g.RotationAsync()).GetProperty("nextDraw");
        Assert.Equal(2, published.GetProperty("cycle").GetInt32());
        var commitment2 = published.GetProperty("commitment").GetString()!;

        // The secret seed behind the published commitment is nowhere in what members can read.
        var secret = (string)(await GroupData.ScalarAsync("SELECT seed FROM lottery_commitments WHERE group_id = $1 AND revealed_at IS NULL", g.GroupId))!;
        Assert.Equal(commitment2, Sha256Hex(secret.Trim()));
        foreach (var path in new[] { "rotation", "schedule", "payouts", "obligations", "audit?limit=200" })
        {
            var text = await (await g.Chair.GetAsync(g.Path(path))).Content.ReadAsStringAsync();
            Assert.DoesNotContain(secret.Trim(), text, StringComparison.OrdinalIgnoreCase);
        }

        // Cycle 1 is periods 1–2; cycle 2 starts when period 3 opens, drawn by the engine.
        await g.RunAsync(Opens(3));
        var cycles = (await g.RotationAsync(g.ClientOf(g.Ids[1]))).GetProperty("cycles").EnumerateArray().ToList();
        Assert.Equal(2, cycles.Count);
        Assert.Equal(draw1, cycles[0].GetProperty("turns").EnumerateArray().Select(t => t.GetProperty("memberId").GetGuid()).ToList());
        var seed2 = cycles[1].GetProperty("seed").GetString()!;
        Assert.Equal(commitment2, cycles[1].GetProperty("commitment").GetString());
        Assert.Equal(commitment2, Sha256Hex(seed2));
        var order2 = cycles[1].GetProperty("turns").EnumerateArray().Select(t => t.GetProperty("memberId").GetGuid()).ToList();
        Assert.Equal(Lottery.Draw(seed2, g.Ids), order2);
        Assert.Equal(order2[0], await g.RecipientOfAsync(3));
        Assert.Equal(order2[1], await g.RecipientOfAsync(4));
        Assert.Equal(3, (await g.RotationAsync()).GetProperty("nextDraw").GetProperty("cycle").GetInt32());
    }

    [Fact]
    public async Task Concurrent_draws_give_one_order_and_409s()
    {
        var g = await RoscaAsync(3, Rosca(order: "lottery"));
        var responses = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => g.Chair.PostAsJsonAsync(g.Path("rotation/draw"), new { })));
        var codes = responses.Select(r => (int)r.StatusCode).ToList();
        Assert.True(codes.Count(c => c == 200) == 1 && codes.Count(c => c == 409) == 5, string.Join(",", codes) + " " + App.Logs.Errors());
        var winner = JsonDocument.Parse(await responses.Single(r => r.StatusCode == HttpStatusCode.OK).Content.ReadAsStringAsync()).RootElement;
        var order = winner.GetProperty("order").EnumerateArray().Select(e => e.GetGuid()).ToList();
        var cycle = (await g.RotationAsync()).GetProperty("cycles").EnumerateArray().Single();
        Assert.Equal(order, cycle.GetProperty("turns").EnumerateArray().Select(t => t.GetProperty("memberId").GetGuid()).ToList());
        Assert.Equal(3, await GroupData.CountAsync("SELECT count(*) FROM rotation_turns WHERE group_id = $1", g.GroupId));
    }
}
