using System.Globalization;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Pamoja.Web.Features.Shared.Localization;
using Npgsql;
using Pamoja.Web.Features.Accounts;
using Pamoja.Web.Features.Notifications;

namespace Pamoja.Web.Features.Channels.Pages;

/// How Pamoja messages the signed-in member's phone: language, WhatsApp or SMS, quiet hours.
[Authorize]
public sealed class MessagesModel(UserManager<AppUser> users, NpgsqlDataSource db, TimeProvider clock) : PageModel
{
    /// The page texts in the reader's language.
    private PageTexts T => this.Texts();

    [BindProperty] public string? Language { get; set; }
    [BindProperty] public string? Channel { get; set; }
    [BindProperty] public string? QuietFrom { get; set; }
    [BindProperty] public string? QuietTo { get; set; }
    public bool Saved { get; private set; }

    public async Task<IActionResult> OnGetAsync(bool saved, CancellationToken ct)
    {
        Saved = saved;
        var phone = await PhoneAsync();
        if (phone is null)
        {
            Unconfirmed = true;
            return Page();
        }
        var pref = ContactPreference.Default;
        await using (var cmd = db.CreateCommand("SELECT language, channel, quiet_from, quiet_to FROM contact_preferences WHERE phone = $1"))
        {
            cmd.Parameters.AddWithValue(phone);
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            if (await reader.ReadAsync(ct))
                pref = pref with { Language = reader.GetString(0), Channel = reader.GetString(1), QuietFrom = reader.GetInt16(2), QuietTo = reader.GetInt16(3) };
        }
        Language = pref.Language;
        Channel = pref.Channel;
        QuietFrom = Clock(pref.QuietFrom);
        QuietTo = Clock(pref.QuietTo);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var phone = await PhoneAsync();
        if (phone is null)
        {
            Unconfirmed = true;
            return Page();
        }
        if (!Languages.Offered.Any(l => l.Code == Language)) ModelState.AddModelError(nameof(Language), T["Choose a language from the list."]);
        if (Channel is not (MessageChannels.Sms or MessageChannels.WhatsApp)) ModelState.AddModelError(nameof(Channel), T["Choose WhatsApp or SMS."]);
        var from = Minutes(QuietFrom);
        var to = Minutes(QuietTo);
        if (from is null) ModelState.AddModelError(nameof(QuietFrom), T["Give a time like 21:00."]);
        if (to is null) ModelState.AddModelError(nameof(QuietTo), T["Give a time like 07:00."]);
        if (!ModelState.IsValid) return Page();
        await using (var cmd = db.CreateCommand("""
            INSERT INTO contact_preferences (phone, language, channel, quiet_from, quiet_to, updated_at) VALUES ($1, $2, $3, $4, $5, $6)
            ON CONFLICT (phone) DO UPDATE SET language = EXCLUDED.language, channel = EXCLUDED.channel, quiet_from = EXCLUDED.quiet_from,
                   quiet_to = EXCLUDED.quiet_to, updated_at = EXCLUDED.updated_at
            """))
        {
            cmd.Parameters.AddWithValue(phone);
            cmd.Parameters.AddWithValue(Language!);
            cmd.Parameters.AddWithValue(Channel!);
            cmd.Parameters.AddWithValue((short)from!.Value);
            cmd.Parameters.AddWithValue((short)to!.Value);
            cmd.Parameters.AddWithValue(clock.GetUtcNow());
            await cmd.ExecuteNonQueryAsync(ct);
        }
        return LocalRedirect("/account/messages?saved=true");
    }

    /// The phone these choices are for. Only a confirmed one (by a reset code or an accepted
    /// invitation): anyone can register with someone else's number, and must not be able to
    /// silence that member's reminders.
    private async Task<string?> PhoneAsync() => await users.GetUserAsync(User) is { PhoneNumberConfirmed: true } user ? user.PhoneNumber : null;

    public bool Unconfirmed { get; private set; }

    private static string Clock(int minutes) => string.Create(CultureInfo.InvariantCulture, $"{minutes / 60:00}:{minutes % 60:00}");

    private static int? Minutes(string? text) =>
        TimeOnly.TryParseExact(text?.Trim(), ["HH:mm", "H:mm"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var t) ? t.Hour * 60 + t.Minute : null;
}
