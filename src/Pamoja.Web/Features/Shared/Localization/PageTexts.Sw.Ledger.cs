namespace Pamoja.Web.Features.Shared.Localization;

public sealed partial class PageTexts
{
    static partial void AddLedger(Dictionary<string, string> d)
    {
        // Statement
        d["{0} – {1}"] = "{0} – {1}";
        d["Back to the statement"] = "Rudi kwenye taarifa ya akaunti";
        d["use your browser's Print to print it or save it as PDF."] = "tumia Chapisha (Print) ya kivinjari chako kuichapisha au kuihifadhi kama PDF.";
        d["Statements"] = "Taarifa za akaunti";
        d["The group pool"] = "Mfuko wa kikundi";
        d["Whose statement"] = "Taarifa ya akaunti ya nani";
        d["{0} (you)"] = "{0} (wewe)";
        d["{0} (left)"] = "{0} (ameondoka)";
        d["From"] = "Kuanzia";
        d["(optional)"] = "(si lazima)";
        d["Show"] = "Onyesha";
        d["Balance at the start"] = "Salio la mwanzo";
        d["Balance before {0}"] = "Salio kabla ya {0}";
        d["Balance now"] = "Salio sasa";
        d["Balance at the end of {0}"] = "Salio mwishoni mwa {0}";
        d["No money has moved in the pool yet."] = "Bado hakuna pesa zilizoingia wala kutoka kwenye mfuko.";
        d["No money has moved on this account yet."] = "Bado hakuna pesa zilizoingia wala kutoka kwenye akaunti hii.";
        d["No money has moved in the pool in this period."] = "Hakuna pesa zilizoingia wala kutoka kwenye mfuko katika kipindi hiki.";
        d["No money has moved on this account in this period."] = "Hakuna pesa zilizoingia wala kutoka kwenye akaunti hii katika kipindi hiki.";
        d["{0}, {1}, amounts in {2}"] = "{0}, {1}, kiasi kwa {2}";
        d["Date"] = "Tarehe";
        d["What"] = "Nini";
        d["Balance"] = "Salio";
        d["Start"] = "Mwanzo";
        d["Brought forward"] = "Salio lililoletwa";
        d["Ref. {0}"] = "Kumb. {0}";
        d["Entry #{0}"] = "Ingizo #{0}";
        d["Carried forward"] = "Salio linalopelekwa mbele";
        d["The pool is the group's money in cash, in the bank and on mobile money: + is money in, − money out."] = "Mfuko ni pesa za kikundi zilizo taslimu, benki na kwenye pesa za simu: + ni pesa zilizoingia, − ni pesa zilizotoka.";
        d["+ is money paid in to the group; − is money received from the group, or charged (fines, fees). The balance is what the group holds for this member."] = "+ ni pesa zilizolipwa kwa kikundi; − ni pesa zilizopokelewa kutoka kwa kikundi, au zilizotozwa (faini, ada). Salio ni kile ambacho kikundi kinamshikia mwanachama huyu.";
        d["Print view"] = "Mwonekano wa kuchapisha";
        d["Download CSV"] = "Pakua CSV";
        d["To print or save as PDF, open the print view or use your browser's Print; the menus and forms are left out."] = "Ili kuchapisha au kuhifadhi kama PDF, fungua mwonekano wa kuchapisha au tumia Chapisha (Print) ya kivinjari chako; menyu na fomu haziwekwi.";
        d["Printed from Pamoja on {0} (UTC). Anyone in the group can check these entries on the group ledger."] = "Imechapishwa kutoka Pamoja tarehe {0} (UTC). Mtu yeyote kikundini anaweza kukagua maingizo haya kwenye daftari la kikundi.";
        d["The “from” date is not a date. Use the date picker, or write it like 2026-03-31."] = "Tarehe ya “kuanzia” si tarehe sahihi. Tumia kichagua tarehe, au iandike hivi: 2026-03-31.";
        d["The “to” date is not a date. Use the date picker, or write it like 2026-03-31."] = "Tarehe ya “hadi” si tarehe sahihi. Tumia kichagua tarehe, au iandike hivi: 2026-03-31.";
        d["The “to” date must not be before the “from” date."] = "Tarehe ya “hadi” isiwe kabla ya tarehe ya “kuanzia”.";
        d["Your statement"] = "Taarifa yako ya akaunti";
        d["Statement of {0}"] = "Taarifa ya akaunti ya {0}";
        d["Everything so far"] = "Kila kitu hadi sasa";
        d["From {0}"] = "Kuanzia {0}";
        d["Up to {0}"] = "Hadi {0}";
        d["{0} to {1}"] = "{0} hadi {1}";

        // Entry kinds (LedgerWords.Kind)
        d["Contribution"] = "Mchango";
        d["Registration fee"] = "Ada ya usajili";
        d["Fine charged"] = "Faini iliyotozwa";
        d["Fine paid"] = "Faini iliyolipwa";
        d["Opening balance"] = "Salio la kuanzia";
        d["Correction (reversal)"] = "Marekebisho (kubatilisha)";
        d["Payout sent (with the provider)"] = "Mgao umetumwa (kwa mtoa huduma)";
        d["Payout returned by the provider"] = "Mgao umerudishwa na mtoa huduma";
    }
}
