using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Pamoja.Core.Ledger;

/// Everything stored about an entry, as the hash covers it.
public sealed record StoredEntry(
    Guid Id, Guid GroupId, long Seq, string Kind, DateTimeOffset PostedAt, DateOnly EffectiveOn, string Memo,
    Guid? ReversesEntryId, string? ExternalProvider, string? ExternalRef, Guid? CreatedBy, IReadOnlyList<StoredLine> Lines);

public sealed record StoredLine(int LineNo, string Account, Guid? MemberId, long Amount, string Currency);

/// The tamper-evident chain: each entry's hash is SHA-256 over the previous entry's hash and
/// the entry's canonical content — every stored field of the entry and of its lines, in a fixed
/// order and format. Changing any field, reordering, removing or inserting an entry changes a
/// hash that every later entry depends on, so anyone holding the head hash can tell.
public static class EntryHash
{
    public const string Genesis = "0000000000000000000000000000000000000000000000000000000000000000";

    public static string Compute(string previousHash, StoredEntry entry) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(previousHash + "\n" + Canonical(entry))));

    /// Version-tagged, one field per line, lines ordered by number. Free text is escaped so a
    /// memo cannot forge a field boundary; instants are UTC with microseconds (PostgreSQL's
    /// precision), so what is read back hashes exactly as what was written.
    public static string Canonical(StoredEntry e)
    {
        var sb = new StringBuilder(256);
        sb.Append("pamoja-entry-v1\n");
        Field(sb, "id", e.Id.ToString("D"));
        Field(sb, "group", e.GroupId.ToString("D"));
        Field(sb, "seq", e.Seq.ToString(CultureInfo.InvariantCulture));
        Field(sb, "kind", e.Kind);
        Field(sb, "posted", e.PostedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture));
        Field(sb, "effective", e.EffectiveOn.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        Field(sb, "memo", e.Memo);
        Field(sb, "reverses", Optional(e.ReversesEntryId?.ToString("D")));
        Field(sb, "provider", Optional(e.ExternalProvider));
        Field(sb, "ref", Optional(e.ExternalRef));
        Field(sb, "by", Optional(e.CreatedBy?.ToString("D")));
        foreach (var line in e.Lines.OrderBy(l => l.LineNo))
            Field(sb, "line", string.Join('|', line.LineNo.ToString(CultureInfo.InvariantCulture), Escape(line.Account),
                Optional(line.MemberId?.ToString("D")), line.Amount.ToString(CultureInfo.InvariantCulture), line.Currency));
        return sb.ToString();
    }

    /// PostgreSQL keeps microseconds; anything finer would not survive the round trip.
    public static DateTimeOffset ToStoredPrecision(DateTimeOffset instant) =>
        new(instant.UtcTicks - instant.UtcTicks % 10, TimeSpan.Zero);

    /// Null and empty are different stored values, so they hash differently: "~" for null,
    /// "=" before any value.
    private static string Optional(string? value) => value is null ? "~" : "=" + value;

    private static void Field(StringBuilder sb, string name, string value) => sb.Append(name).Append('=').Append(Escape(value)).Append('\n');

    private static string Escape(string value) => value.Replace("\\", "\\\\", StringComparison.Ordinal)
        .Replace("\n", "\\n", StringComparison.Ordinal).Replace("|", "\\|", StringComparison.Ordinal);
}
