using System.Globalization;

namespace Pamoja.Bench;

/// The command line: `Pamoja.Bench [--seconds N] [--writers N] [--groups N] …`.
public sealed record BenchOptions(int Seconds, int WarmupSeconds, int Writers, int Groups, int Members, int Rounds, bool Hot, bool Keep)
{
    public static readonly BenchOptions Default = new(Seconds: 10, WarmupSeconds: 2, Writers: 4, Groups: 2000, Members: 10, Rounds: 2, Hot: true, Keep: false);

    public const string Usage = """
        Usage: Pamoja.Bench [options]          the ledger benchmark (recording contributions)
               Pamoja.Bench engines [options]  the daily engines benchmark (engines --help)

          --seconds N   measured seconds per round and workload      (default 10)
          --warmup N    warm-up seconds per workload, not measured   (default 2)
          --writers N   concurrent writers                           (default 4)
          --groups N    groups per workload (each has its own set)   (default 2000)
          --members N   members per group, 2..500                    (default 10)
          --rounds N    measured rounds of each workload, alternated (default 2)
          --no-hot      skip the informational one-group run
          --keep        keep the benchmark database (for EXPLAIN ANALYZE afterwards)

        The server is PAMOJA_DATABASE_URL (default postgres://pamoja:pamoja@localhost:5432/pamoja?sslmode=disable);
        the role needs CREATEDB. A database pamoja_bench_<timestamp> is created, migrated and dropped.
        """;

    /// The options, or null and a message when the command line is wrong (or asks for help).
    public static (BenchOptions? Options, string? Message) Parse(string[] args)
    {
        var o = Default;
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            if (arg is "-h" or "--help") return (null, Usage);
            if (arg == "--no-hot") { o = o with { Hot = false }; continue; }
            if (arg == "--keep") { o = o with { Keep = true }; continue; }
            if (i + 1 >= args.Length || !int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n < 1)
                return (null, $"{arg} needs a positive whole number.\n\n{Usage}");
            i++;
            switch (arg)
            {
                case "--seconds": o = o with { Seconds = n }; break;
                case "--warmup": o = o with { WarmupSeconds = n }; break;
                case "--writers": o = o with { Writers = n }; break;
                case "--groups": o = o with { Groups = n }; break;
                case "--members" when n is >= 2 and <= 500: o = o with { Members = n }; break;
                case "--members": return (null, "--members must be 2 to 500 (a group's max_members).");
                case "--rounds": o = o with { Rounds = n }; break;
                default: return (null, $"Unknown option {arg}.\n\n{Usage}");
            }
        }
        return o.Groups > 99_999 ? (null, "--groups must be at most 99999.") : (o, null);
    }
}
