using System.Security.Cryptography;
using System.Text;
using Pamoja.Core.Ledger;

namespace Pamoja.Core.Tests.Ledger;

public sealed class EntryHashTests
{
    private static readonly Guid Member = Guid.Parse("5f0c6c1e-8d2b-4a51-9b3e-2f1d7c9a0b11");
    private static readonly string Previous = string.Concat(Enumerable.Repeat("ab", 32));

    /// A fixed entry: a contribution posted in Nairobi (UTC+3) with microseconds, a memo with
    /// every character the canonical form escapes, and its lines given out of order.
    private static StoredEntry Golden() => new(
        Guid.Parse("0190a5b4-7c3e-7d21-9f4a-1b2c3d4e5f60"),
        Guid.Parse("3f2504e0-4f89-41d3-9a0c-0305e82c3301"),
        7,
        EntryKinds.Contribution,
        new DateTimeOffset(2025, 3, 10, 8, 15, 30, TimeSpan.FromHours(3)).AddTicks(1_234_560),
        new DateOnly(2025, 3, 9),
        "March dues \\ paid | at the meeting\nthanks",
        null,
        "mpesa",
        "QKJ3X7Y8Z9",
        Guid.Parse("9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d"),
        [
            new StoredLine(2, $"member:{Member}:contributions", Member, -150_000, "KES"),
            new StoredLine(1, "pool:mobile", null, 150_000, "KES"),
        ]);

    private const string GoldenCanonical =
        "pamoja-entry-v1\n" +
        "id=0190a5b4-7c3e-7d21-9f4a-1b2c3d4e5f60\n" +
        "group=3f2504e0-4f89-41d3-9a0c-0305e82c3301\n" +
        "seq=7\n" +
        "kind=contribution\n" +
        "posted=2025-03-10T05:15:30.123456Z\n" +
        "effective=2025-03-09\n" +
        "memo=March dues \\\\ paid \\| at the meeting\\nthanks\n" +
        "reverses=~\n" +                                   // absent: "~"
        "provider==mpesa\n" +                              // present: "=" before the value
        "ref==QKJ3X7Y8Z9\n" +
        "by==9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d\n" +
        "line=1\\|pool:mobile\\|~\\|150000\\|KES\n" +
        "line=2\\|member:5f0c6c1e-8d2b-4a51-9b3e-2f1d7c9a0b11:contributions\\|=5f0c6c1e-8d2b-4a51-9b3e-2f1d7c9a0b11\\|-150000\\|KES\n";

    /// Observed once and pinned: any change to the canonical format changes this, and with it
    /// every stored hash — which must then be a deliberate new version, not an accident.
    private const string GoldenHash = "e6c723b0dce2636c965b35ac05c670590fe9c5094d2d30cb025ac2ceaa99d18a";

    [Fact]
    public void Golden_vector_canonical_text_and_hash()
    {
        var entry = Golden();
        Assert.Equal(GoldenCanonical, EntryHash.Canonical(entry));

        var independent = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Previous + "\n" + GoldenCanonical)));
        Assert.Equal(independent, EntryHash.Compute(Previous, entry));
        Assert.Equal(GoldenHash, EntryHash.Compute(Previous, entry));
        Assert.Matches("^[0-9a-f]{64}$", EntryHash.Compute(Previous, entry));
        Assert.Equal(64, EntryHash.Genesis.Length);
        Assert.Matches("^0{64}$", EntryHash.Genesis);
    }

    [Fact]
    public void The_hash_does_not_depend_on_the_order_lines_are_given_in_or_the_instants_offset()
    {
        var entry = Golden();
        var reordered = entry with { Lines = entry.Lines.Reverse().ToList() };
        var inUtc = entry with { PostedAt = entry.PostedAt.ToUniversalTime() };
        Assert.Equal(EntryHash.Compute(Previous, entry), EntryHash.Compute(Previous, reordered));
        Assert.Equal(EntryHash.Compute(Previous, entry), EntryHash.Compute(Previous, inUtc));
    }

    private static StoredEntry WithLine(StoredEntry e, int lineNo, Func<StoredLine, StoredLine> change) =>
        e with { Lines = e.Lines.Select(l => l.LineNo == lineNo ? change(l) : l).ToList() };

    public static TheoryData<string> Changes() => new(ChangeTable().Keys);

    private static Dictionary<string, Func<StoredEntry, StoredEntry>> ChangeTable() => new()
    {
        ["id"] = e => e with { Id = Guid.Parse("0190a5b4-7c3e-7d21-9f4a-1b2c3d4e5f61") },
        ["group"] = e => e with { GroupId = Guid.Parse("3f2504e0-4f89-41d3-9a0c-0305e82c3302") },
        ["seq"] = e => e with { Seq = 8 },
        ["kind"] = e => e with { Kind = EntryKinds.RegistrationFee },
        ["posted +1µs"] = e => e with { PostedAt = e.PostedAt.AddTicks(10) },
        ["posted +1s"] = e => e with { PostedAt = e.PostedAt.AddSeconds(1) },
        ["effective"] = e => e with { EffectiveOn = e.EffectiveOn.AddDays(-1) },
        ["memo"] = e => e with { Memo = "March dues" },
        ["memo trailing space"] = e => e with { Memo = e.Memo + " " },
        ["reverses"] = e => e with { ReversesEntryId = Guid.Parse("0190a5b4-0000-7000-8000-000000000001") },
        ["provider"] = e => e with { ExternalProvider = "momo" },
        ["provider removed"] = e => e with { ExternalProvider = null },
        ["ref"] = e => e with { ExternalRef = "QKJ3X7Y8Z0" },
        ["ref removed"] = e => e with { ExternalRef = null },
        ["by"] = e => e with { CreatedBy = Guid.Parse("9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6e") },
        ["by removed"] = e => e with { CreatedBy = null },
        ["line removed"] = e => e with { Lines = e.Lines.Where(l => l.LineNo == 1).ToList() },
        ["line added"] = e => e with { Lines = [.. e.Lines, new StoredLine(3, "income:fees", null, 1, "KES")] },
        ["line 1 number"] = e => WithLine(e, 1, l => l with { LineNo = 3 }),
        ["line numbers swapped"] = e => e with { Lines = e.Lines.Select(l => l with { LineNo = 3 - l.LineNo }).ToList() },
        ["line 1 account"] = e => WithLine(e, 1, l => l with { Account = "pool:cash" }),
        ["line 1 member"] = e => WithLine(e, 1, l => l with { MemberId = Member }),
        ["line 2 member"] = e => WithLine(e, 2, l => l with { MemberId = Guid.Parse("5f0c6c1e-8d2b-4a51-9b3e-2f1d7c9a0b12") }),
        ["line 2 member removed"] = e => WithLine(e, 2, l => l with { MemberId = null }),
        ["line 1 amount"] = e => WithLine(e, 1, l => l with { Amount = 150_001 }),
        ["both amounts"] = e => WithLine(WithLine(e, 1, l => l with { Amount = 15_000 }), 2, l => l with { Amount = -15_000 }),
        ["line 1 currency"] = e => WithLine(e, 1, l => l with { Currency = "ZAR" }),
    };

    [Theory]
    [MemberData(nameof(Changes))]
    public void Changing_any_field_changes_the_hash(string change)
    {
        var entry = Golden();
        var changed = ChangeTable()[change](entry);
        Assert.NotEqual(EntryHash.Canonical(entry), EntryHash.Canonical(changed));
        Assert.NotEqual(EntryHash.Compute(Previous, entry), EntryHash.Compute(Previous, changed));
    }

    [Fact]
    public void Every_change_gives_a_different_hash_from_every_other_change()
    {
        var hashes = ChangeTable().ToDictionary(c => c.Key, c => EntryHash.Compute(Previous, c.Value(Golden())));
        hashes["(unchanged)"] = EntryHash.Compute(Previous, Golden());
        var duplicates = hashes.GroupBy(h => h.Value).Where(g => g.Count() > 1).Select(g => string.Join(" = ", g.Select(x => x.Key))).ToList();
        Assert.True(duplicates.Count == 0, string.Join("; ", duplicates));
    }

    [Fact]
    public void Changing_the_previous_hash_changes_the_hash()
    {
        var entry = Golden();
        Assert.NotEqual(EntryHash.Compute(Previous, entry), EntryHash.Compute(EntryHash.Genesis, entry));
        Assert.NotEqual(EntryHash.Compute(Previous, entry), EntryHash.Compute("ab" + Previous[2..^1] + "c", entry));
    }

    [Theory]
    [InlineData("ref")]
    [InlineData("provider")]
    public void An_absent_optional_value_and_an_empty_one_hash_differently(string field)
    {
        // external_ref is a nullable varchar: changing NULL to '' in the database is a change to a
        // stored field, and the chain must show it.
        var entry = Golden();
        var absent = field == "ref" ? entry with { ExternalRef = null } : entry with { ExternalProvider = null };
        var empty = field == "ref" ? entry with { ExternalRef = "" } : entry with { ExternalProvider = "" };
        Assert.NotEqual(EntryHash.Compute(Previous, absent), EntryHash.Compute(Previous, empty));
    }

    [Theory]
    [InlineData("~")]
    [InlineData("=")]
    [InlineData("=~")]
    [InlineData("")]
    public void An_optional_value_that_looks_like_the_absent_marker_is_not_absent(string text)
    {
        var entry = Golden();
        Assert.NotEqual(EntryHash.Compute(Previous, entry with { ExternalRef = null }), EntryHash.Compute(Previous, entry with { ExternalRef = text }));
        Assert.NotEqual(EntryHash.Compute(Previous, entry with { ExternalRef = "=" }), EntryHash.Compute(Previous, entry with { ExternalRef = text == "=" ? "" : text }));
    }

    public static TheoryData<string> HostileText() => new()
    {
        "\nseq=5", "x\nseq=5\n", "|", "a|b", "\\", "\\n", "\\|", "a\\", "\\\\n", "line=1|pool:cash||1|KES",
        "\nline=3|pool:cash||1|KES", "memo=\nmemo=", "\r\n", "\0", "pamoja-entry-v1\n", "ünïcödé 🙂", "",
    };

    [Theory]
    [MemberData(nameof(HostileText))]
    public void A_memo_cannot_forge_a_field_the_canonical_form_reads_back_exactly(string memo)
    {
        var entry = Golden() with { Memo = memo };
        var fields = Parse(EntryHash.Canonical(entry));
        // One line per field, in order, and the memo reads back as written.
        Assert.Equal(["id", "group", "seq", "kind", "posted", "effective", "memo", "reverses", "provider", "ref", "by", "line", "line"],
            fields.Select(f => f.Name));
        Assert.Equal(memo, fields.Single(f => f.Name == "memo").Value);
        Assert.Equal("7", fields.Single(f => f.Name == "seq").Value);
        Assert.Null(Optional(fields.Single(f => f.Name == "reverses").Value));
        Assert.Equal("QKJ3X7Y8Z9", Optional(fields.Single(f => f.Name == "ref").Value));
        if (memo != Golden().Memo)
            Assert.NotEqual(EntryHash.Compute(Previous, Golden()), EntryHash.Compute(Previous, entry));
    }

    [Theory]
    [MemberData(nameof(HostileText))]
    public void An_account_cannot_forge_a_line_field_the_line_reads_back_exactly(string hostile)
    {
        var entry = WithLine(Golden(), 1, l => l with { Account = "pool:mobile" + hostile });
        var lines = Parse(EntryHash.Canonical(entry)).Where(f => f.Name == "line").Select(f => SplitLine(f.Value)).ToList();
        Assert.Equal(2, lines.Count);
        Assert.Equal(["1", "pool:mobile" + hostile, "~", "150000", "KES"], lines[0]);
        Assert.Null(Optional(lines[0][2]));
        Assert.Equal(Member.ToString(), Optional(lines[1][2]));
        Assert.Equal(5, lines[1].Length);
    }

    [Fact]
    public void One_line_with_a_crafted_account_does_not_collide_with_two_real_lines()
    {
        // Without escaping, both would read "line=1|x||100|KES\nline=2|y||5|KES".
        var entry = Golden();
        var two = entry with { Lines = [new StoredLine(1, "x", null, 100, "KES"), new StoredLine(2, "y", null, 5, "KES")] };
        var one = entry with { Lines = [new StoredLine(1, "x||100|KES\nline=2|y", null, 5, "KES")] };
        Assert.NotEqual(EntryHash.Canonical(two), EntryHash.Canonical(one));
        Assert.NotEqual(EntryHash.Compute(Previous, two), EntryHash.Compute(Previous, one));
        // Nor does a memo that carries a field of its own collide with the entry that has it.
        var forged = entry with { Memo = "m\nseq=5", Seq = 7 };
        var real = entry with { Memo = "m", Seq = 5 };
        Assert.DoesNotContain("\nseq=5\n", EntryHash.Canonical(forged), StringComparison.Ordinal);
        Assert.NotEqual(EntryHash.Compute(Previous, forged), EntryHash.Compute(Previous, real));
    }

    [Fact]
    public void ToStoredPrecision_truncates_to_microseconds_in_utc()
    {
        var instant = new DateTimeOffset(2025, 3, 10, 8, 15, 30, TimeSpan.FromHours(3)).AddTicks(1_234_567);
        var stored = EntryHash.ToStoredPrecision(instant);
        Assert.Equal(TimeSpan.Zero, stored.Offset);
        Assert.Equal(new DateTimeOffset(2025, 3, 10, 5, 15, 30, TimeSpan.Zero).AddTicks(1_234_560), stored);
        Assert.Equal(0, stored.UtcTicks % 10);
        // Truncation, not rounding: .9999999 stays in its microsecond.
        var late = new DateTimeOffset(2025, 12, 31, 23, 59, 59, TimeSpan.Zero).AddTicks(9_999_999);
        Assert.Equal(new DateTimeOffset(2025, 12, 31, 23, 59, 59, TimeSpan.Zero).AddTicks(9_999_990), EntryHash.ToStoredPrecision(late));
        // Idempotent, and what is stored hashes exactly as what was computed before storing.
        Assert.Equal(stored, EntryHash.ToStoredPrecision(stored));
        Assert.Equal(EntryHash.Compute(Previous, Golden() with { PostedAt = instant }), EntryHash.Compute(Previous, Golden() with { PostedAt = stored }));
    }

    // A reader of the canonical form, as an independent verifier would write one: it proves the
    // encoding is unambiguous (every field reads back as exactly what was written).

    private static List<(string Name, string Value)> Parse(string canonical)
    {
        Assert.StartsWith("pamoja-entry-v1\n", canonical, StringComparison.Ordinal);
        Assert.EndsWith("\n", canonical, StringComparison.Ordinal);
        var rows = canonical["pamoja-entry-v1\n".Length..^1].Split('\n');
        return rows.Select(row =>
        {
            var eq = row.IndexOf('=', StringComparison.Ordinal);
            Assert.True(eq > 0, $"no field name in '{row}'");
            return (row[..eq], Unescape(row[(eq + 1)..]));
        }).ToList();
    }

    private static string Unescape(string text)
    {
        var sb = new StringBuilder();
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] != '\\') { Assert.NotEqual('|', text[i]); sb.Append(text[i]); continue; }
            Assert.True(i + 1 < text.Length, $"dangling escape in '{text}'");
            sb.Append(text[++i] switch { '\\' => '\\', 'n' => '\n', '|' => '|', var c => throw new Xunit.Sdk.XunitException($"unknown escape \\{c}") });
        }
        return sb.ToString();
    }

    /// An optional value: "~" is absent, "=" precedes a present one (so absent and empty differ).
    private static string? Optional(string encoded) => encoded == "~" ? null
        : encoded.StartsWith('=') ? encoded[1..] : throw new Xunit.Sdk.XunitException($"not an optional value: '{encoded}'");

    private static string[] SplitLine(string value)
    {
        var parts = new List<string>();
        var current = new StringBuilder();
        for (var i = 0; i < value.Length; i++)
        {
            if (value[i] == '\\' && i + 1 < value.Length) { current.Append(value[i]).Append(value[++i]); continue; }
            if (value[i] == '|') { parts.Add(current.ToString()); current.Clear(); continue; }
            current.Append(value[i]);
        }
        parts.Add(current.ToString());
        return parts.Select(Unescape).ToArray();
    }
}
