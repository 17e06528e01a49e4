using System.Globalization;

namespace Pamoja.Bench.Engines;

/// The command line of `Pamoja.Bench engines [options]`.
public sealed record EnginesOptions(
    int Groups, int Members, int History, int LatePercent, int LateMembers, int Concurrency, int? InstanceSlots,
    bool Worker, bool Direct, bool Instances, bool Keep, string? TemplateSql = null, int Rounds = 4)
{
    /// Jobs:Concurrency of each of the two instances: half the single instance's unless given.
    public int SlotsPerInstance => InstanceSlots ?? Math.Max(1, Concurrency / 2);

    public static readonly EnginesOptions Default = new(Groups: 10_000, Members: 20, History: 1, LatePercent: 10, LateMembers: 3, Concurrency: 4, InstanceSlots: null,
        Worker: false, Direct: false, Instances: true, Keep: false);

    public const string Usage = """
        Usage: Pamoja.Bench engines [options]

        The daily engines (contributions and payouts) over many rotating groups on one heavy
        business day, against a raw-SQL ceiling that writes the same rows, measured in the same
        run; then two engine instances against one. See docs/performance.md.

          --groups N         groups in each phase's copy of the database          (default 10000)
          --members N        members per group, 4..500                            (default 20)
          --history N        weekly periods completed before the measured one     (default 1)
          --late-percent N   groups where some members miss the period, 0..100    (default 10)
          --late-members N   members who miss it in those groups                  (default 3)
          --rounds N         runs of each side, 2..8, in the order C R R C C R R C …  (default 4)
          --concurrency N    Jobs:Concurrency of the single engine instance, and the
                             ceiling's concurrent writers                         (default 4)
          --worker           also the scheduled path: EnqueueAsync + JobWorker.DrainAsync
          --direct           also the engines without jobs: DailyEngines.RunAsync(day, groups)
          --instance-slots N Jobs:Concurrency of each of the two instances
                             (default: half of --concurrency, so both runs have the same
                             number of groups in flight and the comparison shows what
                             coordinating two instances costs, not what more parallelism gains)
          --no-instances     skip two instances against one
          --keep             keep the benchmark databases (for EXPLAIN ANALYZE afterwards)
          --template-sql SQL run SQL on the seeded template before it is copied, to try a
                             schema change (an index) before it is a migration; the output
                             says so on every result line

        The server is PAMOJA_DATABASE_URL (default postgres://pamoja:pamoja@localhost:5432/pamoja?sslmode=disable);
        the role needs CREATEDB. Databases pamoja_bench_<timestamp>_* are created and dropped.
        """;

    public static (EnginesOptions? Options, string? Message) Parse(IReadOnlyList<string> args)
    {
        var o = Default;
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            switch (arg)
            {
                case "-h" or "--help": return (null, Usage);
                case "--worker": o = o with { Worker = true }; continue;
                case "--direct": o = o with { Direct = true }; continue;
                case "--no-instances": o = o with { Instances = false }; continue;
                case "--keep": o = o with { Keep = true }; continue;
                case "--template-sql" when i + 1 < args.Count: o = o with { TemplateSql = args[++i] }; continue;
            }
            if (i + 1 >= args.Count || !int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out var n))
                return (null, $"{arg} needs a whole number.\n\n{Usage}");
            i++;
            switch (arg)
            {
                case "--groups" when n is >= 1 and <= 99_999: o = o with { Groups = n }; break;
                case "--groups": return (null, "--groups must be 1 to 99999.");
                case "--members" when n is >= 4 and <= 500: o = o with { Members = n }; break;
                case "--members": return (null, "--members must be 4 to 500.");
                case "--history": o = o with { History = n }; break;
                case "--late-percent" when n <= 100: o = o with { LatePercent = n }; break;
                case "--late-percent": return (null, "--late-percent must be 0 to 100.");
                case "--late-members": o = o with { LateMembers = n }; break;
                case "--rounds" when n is >= 2 and <= 8: o = o with { Rounds = n }; break;
                case "--rounds": return (null, "--rounds must be 2 to 8.");
                case "--concurrency" when n is >= 1 and <= 64: o = o with { Concurrency = n }; break;
                case "--concurrency": return (null, "--concurrency must be 1 to 64 (Jobs:Concurrency's range).");
                case "--instance-slots" when n is >= 1 and <= 64: o = o with { InstanceSlots = n }; break;
                case "--instance-slots": return (null, "--instance-slots must be 1 to 64 (Jobs:Concurrency's range).");
                default: return (null, $"Unknown option {arg}.\n\n{Usage}");
            }
        }
        // The measured period and the one it opens must both lie in the first rotation cycle
        // (one turn per member), so the day starts no new cycle; late members are never that
        // period's recipient.
        if (o.History > o.Members - 2)
            return (null, $"--history must be at most members − 2 ({o.Members - 2}): the measured day stays within the first rotation cycle.");
        if (o.LateMembers >= o.Members - o.History - 1)
            return (null, $"--late-members must be below members − history − 1 ({o.Members - o.History - 1}).");
        return (o, null);
    }
}
