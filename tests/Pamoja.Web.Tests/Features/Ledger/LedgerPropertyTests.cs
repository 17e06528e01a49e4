using System.Net;
using System.Text.Json;
using Pamoja.Web.Tests.Infrastructure;

namespace Pamoja.Web.Tests.Features.Ledger;

/// Property-based: random sequences of contributions (every method), registration fees, fines
/// (charged, or paid at once), reversals of earlier entries and replays of keyed requests, from
/// fixed seeds, against a model of what each account should hold. After the sequence every
/// ledger invariant holds (LedgerData.AssertInvariantsAsync) and the cached balances are
/// exactly the model's. A failure names the seed and the operation.
public sealed class LedgerPropertyTests : IAsyncLifetime
{
    private PamojaFactory _app = null!;
    public async Task InitializeAsync() => _app = await PamojaFactory.SharedAsync();
    public Task DisposeAsync() => Task.CompletedTask;

    private static readonly string[] Methods = ["cash", "bank", "mpesa", "momo"];
    private static readonly string[] Memos =
        ["", "March dues", "seq=5|kind=opening", "a|b|c", "back\\slash", "=SUM(A1:A9)", "ünïcödé 🙂", "\"quoted\", with comma", "  padded  "];

    private sealed record ModelEntry(Guid Id, string Kind, Dictionary<string, long> Lines)
    {
        public bool Reversed { get; set; }
    }

    private sealed class Model
    {
        public Dictionary<string, long> Balances { get; } = new(StringComparer.Ordinal);
        public List<ModelEntry> Entries { get; } = [];

        public void Post(Guid id, string kind, params (string Account, long Amount)[] lines)
        {
            var map = new Dictionary<string, long>(StringComparer.Ordinal);
            foreach (var (account, amount) in lines)
            {
                map[account] = map.GetValueOrDefault(account) + amount;
                Balances[account] = Balances.GetValueOrDefault(account) + amount;
            }
            Entries.Add(new ModelEntry(id, kind, map));
        }
    }

    private static string Pool(string method) => method switch { "cash" => "pool:cash", "bank" => "pool:bank", _ => "pool:mobile" };

    private static string? Reference(Random random, string method, int op) => method switch
    {
        "mpesa" => LedgerData.MpesaReceipt(),
        "momo" => Guid.NewGuid().ToString(),
        "bank" => $"BANK-{op}-{random.Next(1_000_000)}",
        _ => random.Next(3) == 0 ? $"receipt book p.{op}" : null,
    };

    private static long Amount(Random random) => random.Next(10) switch
    {
        0 => 1,
        1 => random.NextInt64(1, 1_000_000_000_000),
        _ => random.Next(1, 5_000_000),
    };

    [Theory]
    [InlineData(1001, false)]
    [InlineData(2002, true)]
    [InlineData(3003, false)]
    [InlineData(4004, true)]
    public async Task Random_money_sequences_keep_every_invariant(int seed, bool openingFirst)
    {
        var random = new Random(seed);
        var g = await LedgerData.GroupAsync(_app);
        var members = new List<Guid> { g.ChairMemberId };
        for (var i = 0; i < 2; i++)
            members.Add((await GroupData.AddActiveAsync(_app, g.Chair, g.GroupId)).MemberId);
        var model = new Model();
        var today = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(-1);
        (string Path, string Json, string Key, string Body)? lastKeyed = null;
        var ops = random.Next(50, 151);

        for (var op = 0; op < ops; op++)
        {
            var what = $"seed {seed}, op {op}";
            var before = model.Entries.Count;
            if (op == 0 && openingFirst)
            {
                long cash = random.Next(0, 10_000_000), bank = random.Next(1, 10_000_000), mobile = random.Next(0, 10_000_000);
                long c1 = random.Next(1, 5_000_000), o1 = random.Next(0, 100_000), c2 = random.Next(0, 5_000_000);
                var body = await g.CreatedAsync(await g.Chair.PostAsync(g.Path("opening-balances"), new
                {
                    asOf = LedgerData.Date(today.AddDays(-500)),
                    pools = new { cash, bank, mobile },
                    members = new[] { new { memberId = members[1], contributed = c1, owed = o1 }, new { memberId = members[2], contributed = c2, owed = 0L } },
                }));
                var groupFunds = cash + bank + mobile + o1 - c1 - c2;
                Assert.Equal(groupFunds, body.GetProperty("groupFunds").GetInt64());
                model.Post(body.GetProperty("entryId").GetGuid(), "opening", ("pool:cash", cash), ("pool:bank", bank), ("pool:mobile", mobile),
                    ($"member:{members[1]}:contributions", -c1), ($"member:{members[1]}:receivable", o1),
                    ($"member:{members[2]}:contributions", -c2), ("equity:opening", -groupFunds));
            }
            else
            {
                var dice = random.Next(100);
                if (dice < 45)
                {
                    var member = members[random.Next(members.Count)];
                    var method = Methods[random.Next(Methods.Length)];
                    var amount = Amount(random);
                    var body = new
                    {
                        memberId = member, amount, method, reference = Reference(random, method, op),
                        paidOn = random.Next(3) == 0 ? null : LedgerData.Date(today.AddDays(-random.Next(0, 400))),
                        memo = Memos[random.Next(Memos.Length)],
                    };
                    var json = JsonSerializer.Serialize(body);
                    var key = random.Next(2) == 0 ? null : $"prop-{seed}-{op}-{Guid.NewGuid():N}";
                    var response = await g.Chair.PostRawAsync(g.Path("contributions"), json, key);
                    var created = await g.CreatedAsync(response);
                    Assert.Equal(amount, created.GetProperty("amount").GetInt64());
                    model.Post(created.GetProperty("entryId").GetGuid(), "contribution", (Pool(method), amount), ($"member:{member}:contributions", -amount));
                    if (key is not null) lastKeyed = (g.Path("contributions"), json, key, created.GetRawText());
                }
                else if (dice < 55)
                {
                    var member = members[random.Next(members.Count)];
                    var method = Methods[random.Next(Methods.Length)];
                    var amount = Amount(random);
                    var created = await g.CreatedAsync(await g.FeeAsync(member, amount, method, method == "mpesa" ? LedgerData.MpesaReceipt() : null));
                    model.Post(created.GetProperty("entryId").GetGuid(), "registration_fee", (Pool(method), amount), ("income:fees", -amount));
                }
                else if (dice < 70)
                {
                    var member = members[random.Next(members.Count)];
                    var amount = Amount(random);
                    var paidNow = random.Next(2) == 0;
                    var method = Methods[random.Next(Methods.Length)];
                    var json = JsonSerializer.Serialize(new { memberId = member, amount, reason = Memos[random.Next(Memos.Length)] + " fine", paidNow, method = paidNow ? method : null });
                    var key = $"prop-fine-{seed}-{op}-{Guid.NewGuid():N}";
                    var created = await g.CreatedAsync(await g.Chair.PostRawAsync(g.Path("fines"), json, key));
                    lastKeyed = (g.Path("fines"), json, key, created.GetRawText());
                    model.Post(created.GetProperty("entryId").GetGuid(), "fine_charged", ($"member:{member}:receivable", amount), ("income:fines", -amount));
                    if (paidNow)
                        model.Post(created.GetProperty("paymentEntryId").GetGuid(), "fine_paid", (Pool(method), amount), ($"member:{member}:receivable", -amount));
                    else
                        Assert.Equal(JsonValueKind.Null, created.GetProperty("paymentEntryId").ValueKind);
                }
                else if (dice < 90 && model.Entries.Count > 0)
                {
                    var candidates = model.Entries.Where(e => e.Kind != "reversal").ToList();
                    var target = candidates[random.Next(candidates.Count)];
                    var written = await g.WrittenAsync();
                    var response = await g.ReverseAsync(target.Id, $"{what}: {Memos[random.Next(Memos.Length)]}", key: random.Next(2) == 0 ? null : Guid.NewGuid().ToString());
                    if (target.Reversed)
                    {
                        await g.ProblemAsync(response, HttpStatusCode.Conflict, what);
                        Assert.Equal(written, await g.WrittenAsync());
                    }
                    else if (response.StatusCode == HttpStatusCode.UnprocessableEntity)
                    {
                        // Only a pool overdraft may refuse a reversal of a live entry, and it writes nothing.
                        var problem = await g.ProblemAsync(response, HttpStatusCode.UnprocessableEntity, what);
                        Assert.Contains("pool", problem.GetProperty("detail").GetString()!, StringComparison.OrdinalIgnoreCase);
                        Assert.True(target.Lines.Any(l => l.Key.StartsWith("pool:", StringComparison.Ordinal) && l.Value > 0 && model.Balances[l.Key] < l.Value), what);
                        Assert.Equal(written, await g.WrittenAsync());
                    }
                    else
                    {
                        var created = await g.CreatedAsync(response);
                        Assert.Equal(target.Id, created.GetProperty("reverses").GetGuid());
                        target.Reversed = true;
                        model.Post(created.GetProperty("id").GetGuid(), "reversal", target.Lines.Select(l => (l.Key, -l.Value)).ToArray());
                    }
                }
                else if (lastKeyed is { } replay)
                {
                    // A retry of an earlier keyed request: the first response again, byte for byte, and nothing new.
                    var response = await g.Chair.PostRawAsync(replay.Path, replay.Json, replay.Key);
                    Assert.True(response.StatusCode == HttpStatusCode.Created, what);
                    Assert.Equal(replay.Body, await response.Content.ReadAsStringAsync());
                }
            }
            Assert.True(model.Entries.Count == await g.EntriesAsync(), $"{what}: the model has {model.Entries.Count} entries (had {before})");
        }

        var n = await g.AssertInvariantsAsync($"seed {seed}:");
        Assert.Equal(model.Entries.Count, n);
        var cached = await g.CachedBalancesAsync();
        var expected = model.Balances.Where(b => b.Value != 0).ToDictionary();
        Assert.Equal(expected.OrderBy(b => b.Key, StringComparer.Ordinal), cached.Where(b => b.Value != 0).OrderBy(b => b.Key, StringComparer.Ordinal));

        var balances = await g.BalancesAsync();
        foreach (var member in members)
        {
            var view = balances.GetProperty("members").EnumerateArray().Single(m => m.GetProperty("memberId").GetGuid() == member);
            var contributed = -model.Balances.GetValueOrDefault($"member:{member}:contributions");
            var owed = model.Balances.GetValueOrDefault($"member:{member}:receivable");
            Assert.Equal(contributed, view.GetProperty("contributed").GetInt64());
            Assert.Equal(owed, view.GetProperty("owed").GetInt64());
            Assert.Equal(contributed - owed, view.GetProperty("balance").GetInt64());
        }
    }
}
