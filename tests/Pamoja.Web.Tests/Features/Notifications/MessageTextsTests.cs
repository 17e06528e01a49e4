using Pamoja.Web.Features.Notifications;

namespace Pamoja.Web.Tests.Features.Notifications;

/// The texts members read: Swahili as complete as English, with the same placeholders, and the
/// languages still to be translated falling back to English rather than to a key.
public sealed class MessageTextsTests
{
    public static TheoryData<string> AllKeys => [.. MessageTexts.Keys];

    [Theory]
    [MemberData(nameof(AllKeys))]
    public void Every_text_has_English_and_Swahili_with_the_same_placeholders(string key)
    {
        Assert.True(MessageTexts.Has(key, "en"), $"{key} has no English");
        Assert.True(MessageTexts.Has(key, "sw"), $"{key} has no Swahili");
        Assert.Equal(MessageTexts.PlaceholdersOf(key, "en").Order(), MessageTexts.PlaceholdersOf(key, "sw").Order());
    }

    [Theory]
    [InlineData("zu")]
    [InlineData("yo")]
    [InlineData("rw")]
    [InlineData("fr")]
    public void A_language_not_yet_translated_falls_back_to_English(string language)
    {
        Assert.True(Languages.IsKnown(language));
        Assert.DoesNotContain(Languages.Offered, l => l.Code == language);
        var values = new Dictionary<string, string> { ["group"] = "Tujenge", ["amount"] = "KES 200.00" };
        Assert.Equal(MessageTexts.Render("reminder.due_today", "en", values), MessageTexts.Render("reminder.due_today", language, values));
    }

    [Fact]
    public void Dates_are_written_the_languages_way()
    {
        var values = new Dictionary<string, string> { ["group"] = "G", ["amount"] = "KES 1.00", ["due"] = "2026-08-31" };
        Assert.Equal("G: your contribution of KES 1.00 is due on 31 Aug 2026.", MessageTexts.Render("reminder.due_soon", "en", values));
        Assert.Equal("G: mchango wako wa KES 1.00 unatakiwa tarehe 31 Agosti 2026.", MessageTexts.Render("reminder.due_soon", "sw", values));
    }

    [Fact]
    public void An_unknown_language_or_key_never_fails()
    {
        Assert.Equal(MessageTexts.Render("chat.help", "en"), MessageTexts.Render("chat.help", "xx"));
        Assert.Equal(MessageTexts.Render("chat.help", "en"), MessageTexts.Render("chat.help", null));
        Assert.Equal("no.such.key: a=1", MessageTexts.Render("no.such.key", "sw", new Dictionary<string, string> { ["a"] = "1" }));
    }

    [Fact]
    public void Values_are_inserted_as_text_never_read_as_placeholders()
    {
        var values = new Dictionary<string, string> { ["group"] = "{amount} <script>", ["amount"] = "KES 5.00" };
        Assert.Equal("{amount} <script>: your contribution of KES 5.00 is due today.", MessageTexts.Render("reminder.due_today", "en", values));
    }

    [Fact]
    public void A_variant_picks_its_own_text_and_an_unknown_variant_the_template()
    {
        Assert.Equal("reminder.overdue_fined", MessageTexts.KeyFor("reminder.overdue", new Dictionary<string, string> { [MessageTexts.Variant] = "fined" }));
        Assert.Equal("reminder.overdue", MessageTexts.KeyFor("reminder.overdue", new Dictionary<string, string> { [MessageTexts.Variant] = "nope" }));
        Assert.Equal("reminder.overdue", MessageTexts.KeyFor("reminder.overdue", null));
    }
}

public sealed class ContactPreferenceTests
{
    private static readonly DateTimeOffset Noon = new(2026, 3, 1, 9, 0, 0, TimeSpan.Zero); // 12:00 in Nairobi
    private const string Kenyan = "+254712345678";

    [Theory]
    [InlineData(21 * 60, 7 * 60, null)]             // default night: not quiet at noon
    [InlineData(11 * 60, 13 * 60, "2026-03-01T10:00:00Z")]
    [InlineData(11 * 60 + 59, 12 * 60, null)]       // ends at 12:00 exactly
    [InlineData(12 * 60, 12 * 60, null)]            // equal: no quiet hours
    [InlineData(11 * 60, 10 * 60, "2026-03-02T07:00:00Z")] // wraps past midnight: until 10:00 tomorrow
    public void Quiet_hours_say_when_they_end(int from, int to, string? until)
    {
        var pref = ContactPreference.Default with { QuietFrom = from, QuietTo = to };
        Assert.Equal(until is null ? null : DateTimeOffset.Parse(until, System.Globalization.CultureInfo.InvariantCulture), pref.QuietUntil(Noon, Kenyan));
    }

    [Fact]
    public void An_unknown_time_zone_counts_as_UTC()
    {
        var pref = ContactPreference.Default with { TimeZone = "Mars/Olympus", QuietFrom = 8 * 60, QuietTo = 10 * 60 };
        Assert.Equal(new DateTimeOffset(2026, 3, 1, 10, 0, 0, TimeSpan.Zero), pref.QuietUntil(Noon, Kenyan));
    }

    [Theory]
    [InlineData("+254712345678", "Africa/Nairobi")]
    [InlineData("+2348031234567", "Africa/Lagos")]
    [InlineData("+27821234567", "Africa/Johannesburg")]
    [InlineData("+250788123456", "Africa/Kigali")]
    [InlineData("+19995550100", "UTC")]
    public void Without_a_chosen_zone_quiet_hours_follow_the_phones_country(string phone, string zone) =>
        Assert.Equal(zone, ContactPreference.ZoneOf(phone));

    [Fact]
    public void A_Lagos_member_is_quiet_until_seven_in_Lagos_not_in_Nairobi()
    {
        // 05:30 UTC is 06:30 in Lagos (quiet until 07:00 there) but 08:30 in Nairobi (awake).
        var early = new DateTimeOffset(2026, 3, 1, 5, 30, 0, TimeSpan.Zero);
        Assert.Equal(new DateTimeOffset(2026, 3, 1, 6, 0, 0, TimeSpan.Zero), ContactPreference.Default.QuietUntil(early, "+2348031234567"));
        Assert.Null(ContactPreference.Default.QuietUntil(early, Kenyan));
    }

    [Fact]
    public void Quiet_hours_ending_after_a_daylight_saving_change_end_at_the_local_time()
    {
        // London: clocks go forward at 01:00 UTC on 29 March 2026. Quiet 21:00-07:00; at 22:00
        // GMT on the 28th the end is 07:00 BST on the 29th = 06:00 UTC.
        var pref = ContactPreference.Default with { TimeZone = "Europe/London" };
        Assert.Equal(new DateTimeOffset(2026, 3, 29, 6, 0, 0, TimeSpan.Zero),
            pref.QuietUntil(new DateTimeOffset(2026, 3, 28, 22, 0, 0, TimeSpan.Zero), "+447700900000"));
    }

    [Fact]
    public void The_WhatsApp_window_is_open_for_a_day_after_the_last_message_less_a_margin()
    {
        Assert.False(ContactPreference.Default.WhatsAppWindowOpen(Noon));
        // Taken as 23 hours: a message claimed now may go out a minute or two later.
        Assert.True((ContactPreference.Default with { WhatsAppLastInbound = Noon.AddHours(-22.9) }).WhatsAppWindowOpen(Noon));
        Assert.False((ContactPreference.Default with { WhatsAppLastInbound = Noon.AddHours(-23) }).WhatsAppWindowOpen(Noon));
    }
}
