using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Identity;
using Pamoja.Core.Groups;
using Pamoja.Core.Money;
using Pamoja.Web.Features.Accounts;
using Pamoja.Web.Features.Groups;
using Pamoja.Web.Http;

namespace Pamoja.Web.Features.Ledger;

/// api.md § Money: contributions, balances, statements, the journal, verification, reversals;
/// and, beyond the contract, fees, fines and opening balances.
public static class LedgerApi
{
    public static RouteGroupBuilder MapLedgerApi(this RouteGroupBuilder group)
    {
        group.MapPost("/contributions", async (RecordContributionRequest body, HttpContext http, GroupContext caller, RecordContribution record, CancellationToken ct) =>
        {
            var (key, problem) = IdempotencyKey.From(http, caller.UserId, body);
            return problem ?? await record.HandleAsync(caller, body, key, ct);
        }).RequirePermission(Permission.RecordMoney);

        group.MapPost("/journal/{entryId:guid}/reverse", (Guid entryId, ReverseRequest body, HttpContext http, GroupContext caller, ReverseEntry reverse,
            MoneyTransaction money, CancellationToken ct) =>
        {
            var errors = new FieldErrors();
            var reason = errors.Text("reason", body.Reason, ReverseEntry.MaxReason);
            if (errors.Any) return Task.FromResult(errors.ToProblem());
            return money.RunAsync(http, caller, new { entryId, body }, (c, tx) => reverse.HandleAsync(c, tx, caller, entryId, reason!, ct), ct);
        }).RequirePermission(Permission.RecordMoney);

        group.MapPost("/fees", (FeeRequest body, HttpContext http, GroupContext caller, RecordCharges charges, MoneyTransaction money, CancellationToken ct) =>
            money.RunAsync(http, caller, body, (c, tx) => charges.FeeAsync(c, tx, caller, body, ct), ct)).RequirePermission(Permission.RecordMoney);
        group.MapPost("/fines", (FineRequest body, HttpContext http, GroupContext caller, RecordCharges charges, MoneyTransaction money, CancellationToken ct) =>
            money.RunAsync(http, caller, body, (c, tx) => charges.FineAsync(c, tx, caller, body, ct), ct)).RequirePermission(Permission.RecordMoney);
        group.MapPost("/opening-balances", (OpeningBalancesRequest body, HttpContext http, GroupContext caller, RecordOpeningBalances opening, MoneyTransaction money, CancellationToken ct) =>
            money.RunAsync(http, caller, body, (c, tx) => opening.HandleAsync(c, tx, caller, body, ct), ct)).RequirePermission(Permission.RecordMoney);

        group.MapGet("/balances", async (GroupContext caller, LedgerQueries queries, CancellationToken ct) => Results.Ok(await queries.BalancesAsync(caller, ct)));
        group.MapGet("/statement", Statement);
        group.MapGet("/journal", async (GroupContext caller, LedgerQueries queries, long? afterSeq, int? limit, CancellationToken ct) =>
            Results.Ok(await queries.JournalAsync(caller.GroupId, afterSeq ?? 0, limit ?? 100, ct)));
        group.MapGet("/journal/verify", async (GroupContext caller, VerifyLedger verify, CancellationToken ct) => Results.Ok(await verify.VerifyAsync(caller.GroupId, ct)));
        return group;
    }

    /// A member reads their own statement and the group's pool; officials read anyone's.
    private static async Task<IResult> Statement(HttpContext http, GroupContext caller, LedgerQueries queries, Guid? memberId, DateOnly? from, DateOnly? to, CancellationToken ct)
    {
        if (memberId is { } m && m != caller.MemberId && !RolePermissions.IsOfficial(caller.Role))
            return ApiProblems.Status(StatusCodes.Status403Forbidden, "Not allowed", "Members see their own statement and the group's.");
        if (from is not null && to is not null && from > to)
            return new FieldErrors().Add("from", "from must not be after to.").ToProblem();
        var statement = await queries.StatementAsync(caller, memberId, from, to, ct);
        var wantsCsv = http.Request.Headers.Accept.Any(a => a?.Contains("text/csv", StringComparison.OrdinalIgnoreCase) == true);
        return wantsCsv
            ? Results.File(Encoding.UTF8.GetBytes(StatementCsv.Write(statement)), "text/csv; charset=utf-8",
                $"statement-{(memberId is null ? "group" : "member")}-{DateTime.UtcNow:yyyyMMdd}.csv")
            : Results.Ok(statement);
    }
}

/// Statements as CSV for spreadsheets: amounts in major units with the currency's decimals
/// (exact, from the minor units), and text cells guarded against spreadsheet formula injection.
public static class StatementCsv
{
    public static string Write(StatementView statement)
    {
        var currency = Currency.Get(statement.Currency);
        var sb = new StringBuilder();
        sb.Append("seq,posted_at,effective_on,kind,memo,reference,amount,balance,currency\n");
        foreach (var line in statement.Entries)
            sb.Append(line.Seq.ToString(CultureInfo.InvariantCulture)).Append(',')
              .Append(line.PostedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)).Append(',')
              .Append(line.EffectiveOn.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)).Append(',')
              .Append(Cell(line.Kind)).Append(',').Append(Cell(line.Memo)).Append(',').Append(Cell(line.Reference ?? "")).Append(',')
              .Append(Decimal(line.Amount, currency)).Append(',').Append(Decimal(line.Balance, currency)).Append(',')
              .Append(currency.Code).Append('\n');
        return sb.ToString();
    }

    public static string Decimal(long minor, Currency currency)
    {
        if (currency.Exponent == 0) return minor.ToString(CultureInfo.InvariantCulture);
        var text = Math.Abs((decimal)minor).ToString(CultureInfo.InvariantCulture).PadLeft(currency.Exponent + 1, '0');
        return (minor < 0 ? "-" : "") + text[..^currency.Exponent] + "." + text[^currency.Exponent..];
    }

    private static string Cell(string value)
    {
        // A cell starting with = + - @ would be a formula in Excel or LibreOffice.
        if (value.Length > 0 && "=+-@\t\r".Contains(value[0])) value = "'" + value;
        return value.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
    }
}

public static class LedgerModule
{
    public static WebApplicationBuilder AddLedger(this WebApplicationBuilder builder)
    {
        builder.Services.AddScoped<RecordContribution>();
        builder.Services.AddScoped<MoneyTransaction>();
        builder.Services.AddScoped<ReverseEntry>();
        builder.Services.AddScoped<RecordCharges>();
        builder.Services.AddScoped<RecordOpeningBalances>();
        builder.Services.AddScoped<LedgerQueries>();
        builder.Services.AddScoped<VerifyLedger>();
        return builder;
    }
}
