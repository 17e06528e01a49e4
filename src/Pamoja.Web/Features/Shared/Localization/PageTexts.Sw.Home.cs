namespace Pamoja.Web.Features.Shared.Localization;

public sealed partial class PageTexts
{
    static partial void AddHome(Dictionary<string, string> d)
    {
        d["Savings groups you can trust"] = "Vikundi vya akiba unavyoweza kuviamini";
        d["Pamoja keeps the books for savings groups – stokvels, chamas, ajo and esusu, VSLAs and cooperatives – in a tamper-evident ledger that every member can check."] = "Pamoja inatunza hesabu za vikundi vya akiba – chama, stokvel, ajo na esusu, VSLA na vyama vya ushirika – katika daftari lisiloweza kubadilishwa kwa siri, ambalo kila mwanachama anaweza kukagua.";
        d["Members pay in, borrow and follow their group from any phone, over WhatsApp, SMS or USSD as well as here."] = "Wanachama hulipa michango, hukopa na hufuatilia kikundi chao kwa simu yoyote, kupitia WhatsApp, SMS au USSD, na pia hapa.";
        d["Create an account"] = "Fungua akaunti";
        d["Welcome, {0}"] = "Karibu, {0}";
        d["<a href=\"/operator\">Operator dashboard</a>: health, jobs and reconciliation."] = "<a href=\"/operator\">Dashibodi ya mwendeshaji</a>: hali ya mfumo, kazi na ulinganisho wa hesabu.";
        d["{0} member"] = "mwanachama {0}";
        d["{0} members"] = "wanachama {0}";
        d["My statement"] = "Taarifa yangu ya akaunti";
        d["Record contributions"] = "Rekodi michango";
        d["Your groups"] = "Vikundi vyako";
        d["Create a group"] = "Anzisha kikundi";
        d["<a href=\"/groups\">All your groups</a> – create or join another"] = "<a href=\"/groups\">Vikundi vyako vyote</a> – anzisha au jiunge na kingine";
        d["<a href=\"/account/security\">Security settings</a> – two-factor sign-in"] = "<a href=\"/account/security\">Mipangilio ya usalama</a> – kuingia kwa hatua mbili";
    }
}
