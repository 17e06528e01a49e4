using System.Security.Cryptography;
using System.Text;

namespace Pamoja.Core.Rotation;

/// The lottery draw, by commit and reveal. Before the draw, the group sees the commitment:
/// the SHA-256 of a secret random seed. At the draw the seed is revealed and the order follows
/// from it and the member list alone, so anyone can check that (1) the seed hashes to the
/// commitment published earlier and (2) the order is what this algorithm makes of it. The
/// organiser cannot pick a seed after seeing who joined without the commitment giving it away.
///
/// Algorithm "pamoja-lottery-v1": members sorted by their id (lower-case, hyphenated); a
/// Fisher–Yates shuffle from the last position down, where the i-th draw is the first 8 bytes
/// (big-endian) of SHA-256(seed bytes ‖ "pamoja-lottery-v1" ‖ i as 4 big-endian bytes) taken
/// modulo i+1, rejecting values in the biased tail. The order lists who receives first.
public static class Lottery
{
    public const string Algorithm = "pamoja-lottery-v1";
    public const int SeedBytes = 32;

    public static string NewSeed() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(SeedBytes));

    public static string Commitment(string seedHex) => Convert.ToHexStringLower(SHA256.HashData(ParseSeed(seedHex)));

    public static bool Matches(string seedHex, string commitment) =>
        IsSeed(seedHex) && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Commitment(seedHex)), Encoding.ASCII.GetBytes(commitment.ToLowerInvariant()));

    public static bool IsSeed(string? seedHex) =>
        seedHex is { Length: SeedBytes * 2 } && seedHex.All(c => c is >= '0' and <= '9' or >= 'a' and <= 'f');

    public static IReadOnlyList<Guid> Draw(string seedHex, IEnumerable<Guid> members)
    {
        var seed = ParseSeed(seedHex);
        var order = members.Distinct().OrderBy(m => m.ToString("D"), StringComparer.Ordinal).ToArray();
        var label = Encoding.ASCII.GetBytes(Algorithm);
        uint counter = 0;
        for (var i = order.Length - 1; i > 0; i--)
        {
            var bound = (ulong)(i + 1);
            // Largest multiple of bound that fits: values at or above it would favour low slots.
            var limit = ulong.MaxValue - (ulong.MaxValue % bound);
            ulong value;
            do value = Next(seed, label, counter++);
            while (value >= limit);
            var j = (int)(value % bound);
            (order[i], order[j]) = (order[j], order[i]);
        }
        return order;
    }

    private static ulong Next(byte[] seed, byte[] label, uint counter)
    {
        var input = new byte[seed.Length + label.Length + 4];
        seed.CopyTo(input, 0);
        label.CopyTo(input, seed.Length);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(input.AsSpan(seed.Length + label.Length), counter);
        return System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(SHA256.HashData(input));
    }

    private static byte[] ParseSeed(string seedHex) =>
        IsSeed(seedHex) ? Convert.FromHexString(seedHex) : throw new FormatException($"A seed is {SeedBytes * 2} lower-case hex digits.");
}
