using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Pamoja.Web.Features.Shared.Localization;
using Pamoja.Core.Groups;
using Pamoja.Web.Features.Groups;
using Pamoja.Web.Features.Groups.Pages;

namespace Pamoja.Web.Features.Audit.Pages;

/// The group's audit trail for officials: who did what when, and what changed, newest first.
[Authorize]
[RequiresPermission(Permission.ViewAudit)]
public sealed class AuditModel(AuditQueries audit, GroupQueries groups) : PageModel
{
    public const int PageSize = 50;

    public GroupView Group { get; private set; } = null!;
    public IReadOnlyList<Line> Lines { get; private set; } = [];
    public Guid? Before { get; private set; }

    /// Set when there may be older entries: the id to page from.
    public Guid? OlderFrom { get; private set; }

    public string TimeZoneName => Group.TimeZone;

    public sealed record Line(Guid Id, string When, string Who, string What, string? Subject, IReadOnlyList<Change> Changes, bool Created);
    public sealed record Change(string Key, string? From, string? To);

    public async Task OnGetAsync(Guid? before, CancellationToken ct)
    {
        var caller = GroupContext.From(HttpContext);
        Group = await groups.ViewAsync(caller, ct);
        Before = before;
        var zone = GroupClock.Zone(Group.TimeZone);
        var entries = await audit.ListAsync(caller, PageSize, before, ct);
        var T = this.Texts();
        Lines = entries.Select(e => new Line(
            e.Id,
            TimeZoneInfo.ConvertTime(e.At, zone).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture),
            e.ActorName is { Length: > 0 } name ? name : e.ActorUserId is null ? "Pamoja" : T["A former account"],
            Action(e.Action, T),
            Subject(e),
            Diff(e.Before, e.After, Group.Currency),
            e.Before is null)).ToList();
        OlderFrom = entries.Count == PageSize ? entries[^1].Id : null;
    }

    public static string Action(string action, PageTexts T) => action switch
    {
        "group.created" => T["Created the group"],
        "group.settings_changed" => T["Changed the settings"],
        "group.rules_changed" => T["Changed the money rules"],
        "member.added" => T["Added a member"],
        "member.invited" => T["Invited a member"],
        "member.invitation_accepted" => T["Accepted the invitation"],
        "member.join_requested" => T["Asked to join"],
        "member.approved" => T["Approved a join request"],
        "member.rejected" => T["Turned down a join request"],
        "member.suspended" => T["Suspended a member"],
        "member.reactivated" => T["Reactivated a member"],
        "member.removed" => T["Removed a member"],
        "member.left" => T["Left the group"],
        "member.role_changed" => T["Changed a member's role"],
        _ => action,
    };

    /// Whom a member entry is about: the name (or phone) in its snapshot.
    private static string? Subject(AuditView e)
    {
        if (e.EntityType != "member")
            return null;
        foreach (var snapshot in new[] { e.After, e.Before })
        {
            if (snapshot is not { ValueKind: JsonValueKind.Object } s)
                continue;
            var member = s.TryGetProperty("member", out var inner) && inner.ValueKind == JsonValueKind.Object ? inner : s;
            if (member.TryGetProperty("fullName", out var n) && n.GetString() is { Length: > 0 } name) return name;
            if (member.TryGetProperty("phone", out var p) && p.GetString() is { Length: > 0 } phone) return phone;
        }
        return null;
    }

    // Keys that say nothing to a person reading the log.
    private static readonly HashSet<string> Hidden = new(StringComparer.Ordinal) { "id", "userId", "member.id", "member.userId" };

    /// The leaves that differ between before and after, as "key: old → new", in key order (the
    /// database keeps JSON keys in its own order). A new record (no before) lists the values it sets.
    public static IReadOnlyList<Change> Diff(JsonElement? before, JsonElement? after, string currency)
    {
        var from = Flatten(before);
        var to = Flatten(after);
        var changes = new List<Change>();
        foreach (var key in from.Keys.Union(to.Keys).Order(StringComparer.Ordinal))
        {
            if (Hidden.Contains(key))
                continue;
            from.TryGetValue(key, out var a);
            to.TryGetValue(key, out var b);
            if (a == b || (before is null && b is null or "" or "0" or "false"))
                continue;
            changes.Add(new Change(key, Show(key, a, currency), Show(key, b, currency)));
        }
        return changes;
    }

    private static Dictionary<string, string?> Flatten(JsonElement? element)
    {
        var result = new Dictionary<string, string?>(StringComparer.Ordinal);
        if (element is { } e)
            Walk(e, "", result);
        return result;
    }

    private static void Walk(JsonElement e, string path, Dictionary<string, string?> into)
    {
        switch (e.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var p in e.EnumerateObject())
                    Walk(p.Value, path.Length == 0 ? p.Name : path + "." + p.Name, into);
                break;
            case JsonValueKind.Null or JsonValueKind.Undefined:
                into[path] = null;
                break;
            case JsonValueKind.String:
                into[path] = e.GetString();
                break;
            default:
                into[path] = e.GetRawText();
                break;
        }
    }

    // Amounts are stored in minor units; show them as money.
    private static string? Show(string key, string? value, string currency)
    {
        if (value is null || value.Length == 0)
            return null;
        var leaf = key[(key.LastIndexOf('.') + 1)..];
        if ((leaf is "amount" or "registrationFee") && long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var minor))
            return GroupWords.Money(currency, minor);
        return value.Length > 120 ? value[..117] + "…" : value;
    }
}
