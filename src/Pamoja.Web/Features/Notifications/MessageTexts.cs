using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Pamoja.Web.Features.Notifications;

/// A language Pamoja can speak to a member in. Complete ones have every text; the others are
/// ready to be filled in (a missing text falls back to English, never to a key or an error).
public sealed record Language(string Code, string Name, bool Complete);

public static class Languages
{
    public const string Default = "en";

    public static readonly IReadOnlyList<Language> All =
    [
        new("en", "English", true),
        new("sw", "Kiswahili", true),
        new("zu", "isiZulu", false),
        new("yo", "Yorùbá", false),
        new("rw", "Ikinyarwanda", false),
        new("fr", "Français", false),
    ];

    /// The ones offered to members (the chat menus, the preferences page).
    public static IReadOnlyList<Language> Offered => [.. All.Where(l => l.Complete)];

    public static bool IsKnown(string? code) => code is not null && All.Any(l => l.Code == code);

    public static string Normalize(string? code) => IsKnown(code) ? code! : Default;
}

/// Every text Pamoja sends to a member (notices and chat replies), by key and language, with
/// named placeholders: "{group}: your contribution of {amount} is due on {due}." A value that
/// is an ISO date (2026-11-25) is written the language's way ("25 Nov 2026", "25 Novemba 2026").
/// English is the source; Swahili is complete; isiZulu, Yoruba, Kinyarwanda and French have a
/// slot each and fall back to English until translated.
public static partial class MessageTexts
{
    private static readonly Dictionary<string, Dictionary<string, string>> Catalog = new(StringComparer.Ordinal)
    {
        // ---- Notices (the outbox's templates) ----
        ["password-reset"] = new()
        {
            ["en"] = "Pamoja: your password reset code is {code}. It expires in {minutes} min. Or open {link} . If you did not ask for this, ignore this message.",
            ["sw"] = "Pamoja: nambari yako ya kubadilisha nenosiri ni {code}. Inaisha baada ya dakika {minutes}. Au fungua {link} . Kama hukuomba hili, puuza ujumbe huu.",
        },
        ["member-invited"] = new()
        {
            ["en"] = "Pamoja: you are invited to join {group}. To accept, open {link} (valid {days} days).",
            ["sw"] = "Pamoja: umealikwa kujiunga na {group}. Ili kukubali, fungua {link} (inafaa kwa siku {days}).",
        },
        ["reminder.due_soon"] = new()
        {
            ["en"] = "{group}: your contribution of {amount} is due on {due}.",
            ["sw"] = "{group}: mchango wako wa {amount} unatakiwa tarehe {due}.",
        },
        ["reminder.due_today"] = new()
        {
            ["en"] = "{group}: your contribution of {amount} is due today.",
            ["sw"] = "{group}: mchango wako wa {amount} unatakiwa leo.",
        },
        ["reminder.overdue"] = new()
        {
            ["en"] = "{group}: {amount} due on {due} is overdue.",
            ["sw"] = "{group}: {amount} iliyotakiwa tarehe {due} imechelewa.",
        },
        ["reminder.overdue_fined"] = new()
        {
            ["en"] = "{group}: {amount} due on {due} is overdue. A late fine of {fine} was charged.",
            ["sw"] = "{group}: {amount} iliyotakiwa tarehe {due} imechelewa. Faini ya kuchelewa ya {fine} imetozwa.",
        },
        ["payment.receipt"] = new()
        {
            ["en"] = "{group}: received {amount} from you by {provider}. Receipt {receipt}.",
            ["sw"] = "{group}: tumepokea {amount} kutoka kwako kwa {provider}. Risiti {receipt}.",
        },
        ["payout.paid"] = new()
        {
            ["en"] = "{group}: your payout of {amount} was sent by {provider}. Receipt {receipt}.",
            ["sw"] = "{group}: mgao wako wa {amount} umetumwa kwa {provider}. Risiti {receipt}.",
        },
        ["payment.failed_collection"] = new()
        {
            ["en"] = "Your payment of {amount} by {provider} did not go through ({reason}). Nothing was taken.",
            ["sw"] = "Malipo yako ya {amount} kwa {provider} hayakufaulu ({reason}). Hakuna pesa iliyochukuliwa.",
        },
        ["payment.failed_payout"] = new()
        {
            ["en"] = "Your payout of {amount} by {provider} did not go through ({reason}). The treasurer will try again.",
            ["sw"] = "Mgao wako wa {amount} kwa {provider} haukufaulu ({reason}). Mweka hazina atajaribu tena.",
        },

        // ---- Chat replies (WhatsApp, SMS, USSD) ----
        ["chat.menu"] = new()
        {
            ["en"] = "{group}\n1 Balance\n2 Next due\n3 Pay now\n4 Next payout\n5 Statement\n6 Language{switch}",
            ["sw"] = "{group}\n1 Salio\n2 Deni lijalo\n3 Lipa sasa\n4 Mgao ujao\n5 Taarifa\n6 Lugha{switch}",
        },
        ["chat.menu.switch"] = new() { ["en"] = "\n7 Other group", ["sw"] = "\n7 Kikundi kingine" },
        ["chat.help"] = new()
        {
            ["en"] = "Pamoja: reply MENU, BALANCE, DUE, PAY, PAYOUT, STATEMENT, GROUP, LANGUAGE, or JOIN and a group's invite code.",
            ["sw"] = "Pamoja: jibu MENU, SALIO, DENI, LIPA, MGAO, TAARIFA, KIKUNDI, LUGHA, au JIUNGE na nambari ya mwaliko ya kikundi.",
        },
        ["chat.stranger"] = new()
        {
            ["en"] = "Pamoja: this number is in no savings group yet. To start one or join, open {link}",
            ["sw"] = "Pamoja: nambari hii haiko kwenye kikundi chochote bado. Kuanzisha au kujiunga, fungua {link}",
        },
        ["chat.stranger.ussd"] = new()
        {
            ["en"] = "Pamoja: this number is in no savings group yet. We sent you an SMS with a link to start.",
            ["sw"] = "Pamoja: nambari hii haiko kwenye kikundi chochote bado. Tumekutumia SMS yenye kiungo cha kuanza.",
        },
        ["chat.choose_group"] = new() { ["en"] = "Choose a group:\n{list}", ["sw"] = "Chagua kikundi:\n{list}" },
        ["chat.balance"] = new()
        {
            ["en"] = "{group}: you have paid in {contributed} and received {received}. You owe {owed}.",
            ["sw"] = "{group}: umechanga {contributed} na kupokea {received}. Unadaiwa {owed}.",
        },
        ["chat.due"] = new()
        {
            ["en"] = "{group}: {amount} is due on {due} (period {period}).",
            ["sw"] = "{group}: {amount} inatakiwa tarehe {due} (kipindi {period}).",
        },
        ["chat.due.overdue"] = new()
        {
            ["en"] = "{group}: {amount} is overdue since {due}. Reply PAY to pay now.",
            ["sw"] = "{group}: {amount} imechelewa tangu {due}. Jibu LIPA kulipa sasa.",
        },
        ["chat.due.none"] = new()
        {
            ["en"] = "{group}: nothing is due from you. Thank you!",
            ["sw"] = "{group}: huna deni lolote. Asante!",
        },
        ["chat.payout"] = new()
        {
            ["en"] = "{group}: the next payout is period {period}, to {who}, on {date}.",
            ["sw"] = "{group}: mgao ujao ni kipindi {period}, kwa {who}, tarehe {date}.",
        },
        ["chat.payout.you"] = new() { ["en"] = "you", ["sw"] = "wewe" },
        ["chat.payout.none"] = new()
        {
            ["en"] = "{group}: no payout is scheduled.",
            ["sw"] = "{group}: hakuna mgao uliopangwa.",
        },
        ["chat.statement"] = new()
        {
            ["en"] = "{group}, your last entries:\n{lines}",
            ["sw"] = "{group}, maingizo yako ya mwisho:\n{lines}",
        },
        ["chat.statement.none"] = new()
        {
            ["en"] = "{group}: nothing recorded for you yet.",
            ["sw"] = "{group}: hakuna kilichorekodiwa kwako bado.",
        },
        ["chat.pay.amount"] = new()
        {
            ["en"] = "{group}: how much do you want to pay? You owe {owed}. Reply with an amount, e.g. {example}.",
            ["sw"] = "{group}: unataka kulipa kiasi gani? Unadaiwa {owed}. Jibu kwa kiasi, mf. {example}.",
        },
        ["chat.pay.confirm"] = new()
        {
            ["en"] = "{group}: pay {amount} by {provider} from {phone}? Reply with your Pamoja PIN to confirm, or 0 to cancel.",
            ["sw"] = "{group}: lipa {amount} kwa {provider} kutoka {phone}? Jibu kwa PIN yako ya Pamoja kuthibitisha, au 0 kusitisha.",
        },
        ["chat.pay.started"] = new()
        {
            ["en"] = "Sent. Approve {amount} on your phone with your {provider} PIN. We will send your receipt.",
            ["sw"] = "Imetumwa. Idhinisha {amount} kwenye simu yako kwa PIN ya {provider}. Tutakutumia risiti.",
        },
        ["chat.pay.refused"] = new()
        {
            ["en"] = "The payment could not start: {reason}",
            ["sw"] = "Malipo hayakuweza kuanza: {reason}",
        },
        ["chat.pay.unavailable"] = new()
        {
            ["en"] = "Paying from this phone is not available here. Pay your treasurer and ask for a receipt.",
            ["sw"] = "Kulipa kutoka simu hii hakupatikani hapa. Mlipe mweka hazina na uombe risiti.",
        },
        ["chat.amount.invalid"] = new()
        {
            ["en"] = "That is not an amount. Reply with a number, e.g. {example}, or 0 to cancel.",
            ["sw"] = "Hicho si kiasi. Jibu kwa nambari, mf. {example}, au 0 kusitisha.",
        },
        ["chat.pin.ask"] = new()
        {
            ["en"] = "Reply with your Pamoja PIN (4 to 6 digits) to confirm, or 0 to cancel.",
            ["sw"] = "Jibu kwa PIN yako ya Pamoja (tarakimu 4 hadi 6) kuthibitisha, au 0 kusitisha.",
        },
        ["chat.pay.already"] = new()
        {
            ["en"] = "That payment was already sent to your phone. Reply MENU for the menu.",
            ["sw"] = "Malipo hayo tayari yametumwa kwenye simu yako. Jibu MENU kupata menyu.",
        },
        ["chat.pin.disabled"] = new()
        {
            ["en"] = "Your chat PIN is blocked after too many wrong tries. Set a new one on the web (link valid {minutes} min): {link}",
            ["sw"] = "PIN yako ya ujumbe imezuiwa baada ya majaribio mengi yasiyo sahihi. Weka mpya mtandaoni (kiungo kinafaa dakika {minutes}): {link}",
        },
        ["chat.pin.disabled.ussd"] = new()
        {
            ["en"] = "Your chat PIN is blocked after too many wrong tries. We sent you an SMS with a link to set a new one.",
            ["sw"] = "PIN yako ya ujumbe imezuiwa baada ya majaribio mengi yasiyo sahihi. Tumekutumia SMS yenye kiungo cha kuweka mpya.",
        },
        ["chat.pin.wrong"] = new()
        {
            ["en"] = "Wrong PIN. {left} tries left. Reply with your PIN, or 0 to cancel.",
            ["sw"] = "PIN si sahihi. Umebaki na majaribio {left}. Jibu kwa PIN yako, au 0 kusitisha.",
        },
        ["chat.pin.locked"] = new()
        {
            ["en"] = "Too many wrong PINs: payments from chat are locked for {minutes} min. You can set a new PIN on the web: {link}",
            ["sw"] = "PIN zisizo sahihi mno: malipo kwa ujumbe yamefungwa kwa dakika {minutes}. Unaweza kuweka PIN mpya mtandaoni: {link}",
        },
        ["chat.pin.missing"] = new()
        {
            ["en"] = "Payments from chat need a Pamoja PIN. Set one here (link valid {minutes} min): {link}",
            ["sw"] = "Malipo kwa ujumbe yanahitaji PIN ya Pamoja. Weka moja hapa (kiungo kinafaa dakika {minutes}): {link}",
        },
        ["chat.account.missing"] = new()
        {
            ["en"] = "Payments from chat need a Pamoja account. Create yours here (link valid {minutes} min): {link}",
            ["sw"] = "Malipo kwa ujumbe yanahitaji akaunti ya Pamoja. Fungua yako hapa (kiungo kinafaa dakika {minutes}): {link}",
        },
        ["chat.account.missing.ussd"] = new()
        {
            ["en"] = "Payments need a Pamoja account. We sent you an SMS with a link to create one.",
            ["sw"] = "Malipo yanahitaji akaunti ya Pamoja. Tumekutumia SMS yenye kiungo cha kuifungua.",
        },
        ["chat.pin.missing.ussd"] = new()
        {
            ["en"] = "Payments need a Pamoja PIN. We sent you an SMS with a link to set one.",
            ["sw"] = "Malipo yanahitaji PIN ya Pamoja. Tumekutumia SMS yenye kiungo cha kuiweka.",
        },
        ["chat.pin.locked.ussd"] = new()
        {
            ["en"] = "Too many wrong PINs: payments are locked for {minutes} min. We sent you an SMS with a link to set a new PIN.",
            ["sw"] = "PIN zisizo sahihi mno: malipo yamefungwa kwa dakika {minutes}. Tumekutumia SMS yenye kiungo cha kuweka PIN mpya.",
        },
        ["chat.join"] = new()
        {
            ["en"] = "To join the group, open this link (valid {minutes} min, once) and sign in or create your account: {link}",
            ["sw"] = "Kujiunga na kikundi, fungua kiungo hiki (kinafaa dakika {minutes}, mara moja) kisha ingia au fungua akaunti: {link}",
        },
        ["chat.link.sent"] = new()
        {
            ["en"] = "We sent you an SMS with the link.",
            ["sw"] = "Tumekutumia SMS yenye kiungo.",
        },
        ["chat.failed"] = new()
        {
            ["en"] = "Sorry, Pamoja could not answer just now. Please try again in a minute.",
            ["sw"] = "Samahani, Pamoja haikuweza kujibu sasa hivi. Tafadhali jaribu tena baada ya dakika moja.",
        },
        ["chat.cancelled"] = new() { ["en"] = "Cancelled. Reply MENU for the menu.", ["sw"] = "Imesitishwa. Jibu MENU kupata menyu." },
        ["chat.language.choose"] = new() { ["en"] = "Choose your language:\n{list}", ["sw"] = "Chagua lugha yako:\n{list}" },
        ["chat.language.set"] = new() { ["en"] = "Pamoja will write to you in English.", ["sw"] = "Pamoja itakuandikia kwa Kiswahili." },
        ["chat.choice.invalid"] = new()
        {
            ["en"] = "Please reply with one of the numbers shown.",
            ["sw"] = "Tafadhali jibu kwa mojawapo ya nambari zilizoonyeshwa.",
        },
        ["chat.member.inactive"] = new()
        {
            ["en"] = "{group}: your membership is {status}. Ask your chairperson.",
            ["sw"] = "{group}: uanachama wako ni {status}. Muulize mwenyekiti wako.",
        },
        ["link.register"] = new()
        {
            ["en"] = "Pamoja: create your account here (link valid {minutes} min, once): {link}",
            ["sw"] = "Pamoja: fungua akaunti yako hapa (kiungo kinafaa dakika {minutes}, mara moja): {link}",
        },
        ["link.set-pin"] = new()
        {
            ["en"] = "Pamoja: set your chat PIN here (link valid {minutes} min, once): {link}",
            ["sw"] = "Pamoja: weka PIN yako ya ujumbe hapa (kiungo kinafaa dakika {minutes}, mara moja): {link}",
        },
    };

    private static readonly string[] SwahiliMonths =
        ["Januari", "Februari", "Machi", "Aprili", "Mei", "Juni", "Julai", "Agosti", "Septemba", "Oktoba", "Novemba", "Desemba"];

    public static IEnumerable<string> Keys => Catalog.Keys;

    /// A value that picks a variant of a template: "reminder.overdue" with variant "fined" is
    /// written with the text "reminder.overdue_fined".
    public const string Variant = "variant";

    /// The text key a notice is written with: its template, or the template's variant.
    public static string KeyFor(string template, IReadOnlyDictionary<string, string>? values) =>
        values is not null && values.TryGetValue(Variant, out var variant) && Catalog.ContainsKey(template + "_" + variant)
            ? template + "_" + variant : template;

    /// The text for a key in a language (falling back to English), with its placeholders filled.
    /// An unknown key renders as itself with its values, so a notice is never lost to a typo.
    public static string Render(string key, string? language, IReadOnlyDictionary<string, string>? values = null)
    {
        var lang = Languages.Normalize(language);
        if (key.Length > 2 && key[0] == '{' && key[^1] == '}' && values is not null && values.TryGetValue(key[1..^1], out var single))
            return FormatValue(single, lang);
        if (!Catalog.TryGetValue(key, out var byLanguage))
            return values is null || values.Count == 0 ? key : key + ": " + string.Join(", ", values.Select(v => $"{v.Key}={v.Value}"));
        var format = byLanguage.TryGetValue(lang, out var text) ? text : byLanguage[Languages.Default];
        if (values is null || values.Count == 0)
            return format;
        return Placeholder().Replace(format, m =>
            values.TryGetValue(m.Groups[1].Value, out var value) ? FormatValue(value, lang) : m.Value);
    }

    /// Whether a key has its own text in the language (tests hold Swahili complete by this).
    public static bool Has(string key, string language) => Catalog.TryGetValue(key, out var t) && t.ContainsKey(language);

    /// The placeholders a key's text uses in a language ("{group}", "{amount}" …).
    public static IReadOnlySet<string> PlaceholdersOf(string key, string language) =>
        Placeholder().Matches(Catalog[key][language]).Select(m => m.Groups[1].Value).ToHashSet(StringComparer.Ordinal);

    /// The placeholders of a key's text in a language, in order of appearance, once each
    /// (the numbering of a WhatsApp template's variables).
    public static IReadOnlyList<string> PlaceholdersInOrder(string key, string language)
    {
        if (!Catalog.TryGetValue(key, out var byLanguage)) return [];
        var text = byLanguage.TryGetValue(Languages.Normalize(language), out var t) ? t : byLanguage[Languages.Default];
        return [.. Placeholder().Matches(text).Select(m => m.Groups[1].Value).Distinct(StringComparer.Ordinal)];
    }

    /// The month's Swahili name (1 = Januari); the pages use it too.
    public static string SwahiliMonth(int month) => SwahiliMonths[month - 1];

    public static string Date(DateOnly date, string? language) =>
        Languages.Normalize(language) == "sw"
            ? string.Create(CultureInfo.InvariantCulture, $"{date.Day} {SwahiliMonths[date.Month - 1]} {date.Year}")
            : date.ToString("d MMM yyyy", CultureInfo.InvariantCulture);

    private static string FormatValue(string value, string language) =>
        value.Length == 10 && DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
            ? Date(date, language)
            : value;

    /// Values as the outbox stores them: dates as ISO (written per language at dispatch).
    public static string Iso(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public static string NumberedList(IEnumerable<string> items)
    {
        var sb = new StringBuilder();
        var i = 1;
        foreach (var item in items)
        {
            if (sb.Length > 0) sb.Append('\n');
            sb.Append(i++).Append(' ').Append(item);
        }
        return sb.ToString();
    }

    [GeneratedRegex(@"\{([a-z_]+)\}")]
    private static partial Regex Placeholder();
}
