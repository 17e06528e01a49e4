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
        // What each entry did
        d["A former account"] = "Akaunti ya zamani";
        d["Created the group"] = "Alianzisha kikundi";
        d["Changed the settings"] = "Alibadilisha mipangilio";
        d["Changed the money rules"] = "Alibadilisha kanuni za fedha";
        d["Added a member"] = "Aliongeza mwanachama";
        d["Invited a member"] = "Alimwalika mwanachama";
        d["Accepted the invitation"] = "Alikubali mwaliko";
        d["Asked to join"] = "Aliomba kujiunga";
        d["Approved a join request"] = "Aliidhinisha ombi la kujiunga";
        d["Turned down a join request"] = "Alikataa ombi la kujiunga";
        d["Suspended a member"] = "Alimsimamisha mwanachama";
        d["Reactivated a member"] = "Alimrejesha mwanachama";
        d["Removed a member"] = "Alimwondoa mwanachama";
        d["Left the group"] = "Aliondoka kwenye kikundi";
        d["Changed a member's role"] = "Alibadilisha wadhifa wa mwanachama";
    }
}
