namespace Pamoja.Web.Features.Shared.Localization;

public sealed partial class PageTexts
{
    static partial void AddAudit(Dictionary<string, string> d)
    {
        d["Audit log – {0}"] = "Kumbukumbu za ukaguzi – {0}";
        d["Every change in the group: who made it, when and what it changed. Nobody can edit or delete these entries. Times are in {0} time."] = "Kila badiliko katika kikundi: nani alilifanya, lini na lilibadilisha nini. Hakuna anayeweza kuhariri wala kufuta kumbukumbu hizi. Saa ni za {0}.";
        d["Nothing recorded yet."] = "Bado hakuna kilichorekodiwa.";
        d["No older entries."] = "Hakuna kumbukumbu za zamani zaidi.";
        d["(none)"] = "(hakuna)";
        d["Older entries"] = "Kumbukumbu za zamani";
        d["Newest entries"] = "Kumbukumbu za karibuni";
    }
}
