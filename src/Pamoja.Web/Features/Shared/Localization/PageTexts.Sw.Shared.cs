namespace Pamoja.Web.Features.Shared.Localization;

public sealed partial class PageTexts
{
    static partial void AddShared(Dictionary<string, string> d)
    {
        d["Error: "] = "Hitilafu: ";
        d["Skip to content"] = "Ruka hadi maudhui";
        d["Account"] = "Akaunti";
        d["Home"] = "Nyumbani";
        d["My groups"] = "Vikundi vyangu";
        d["Operator"] = "Mwendeshaji";
        d["Security"] = "Usalama";
        d["Sign out"] = "Toka";
        d["Sign in"] = "Ingia";
        d["Register"] = "Jisajili";
        d["Signed in as"] = "Umeingia kama";
        d["Dashboard"] = "Dashibodi";
        d["Members"] = "Wanachama";
        d["Contributions"] = "Michango";
        d["Schedule"] = "Ratiba";
        d["Payouts"] = "Migao";
        d["Payments"] = "Malipo";
        d["Statement"] = "Taarifa ya akaunti";
        d["Ledger"] = "Daftari";
        d["Print & CSV"] = "Chapisha na CSV";
        d["Settings"] = "Mipangilio";
        d["Audit log"] = "Kumbukumbu za ukaguzi";
        d["About the group"] = "Kuhusu kikundi";
        d["Group menu"] = "Menyu ya kikundi";
        d["Pamoja – savings groups with a ledger everyone can check."] = "Pamoja – vikundi vya akiba vyenye daftari ambalo kila mtu anaweza kukagua.";
        d["There is a problem"] = "Kuna tatizo";
    }
}
