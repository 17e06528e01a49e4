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
        d["Fine charged"] = "Faini iliyotozwa";
        d["Fine paid"] = "Faini iliyolipwa";
        d["Opening balance"] = "Salio la kuanzia";
        d["Correction (reversal)"] = "Marekebisho (kubatilisha)";
        d["Payout sent (with the provider)"] = "Mgao umetumwa (kwa mtoa huduma)";
        d["Payout returned by the provider"] = "Mgao umerudishwa na mtoa huduma";

        // Ledger
        d["Ledger – {0}"] = "Daftari – {0}";
        d["The group ledger"] = "Daftari la kikundi";
        d["Verified:"] = "Limethibitishwa:";
        d["no entries yet, chain intact"] = "bado hakuna maingizo, mnyororo uko salama";
        d["1 entry, chain intact, head"] = "ingizo 1, mnyororo uko salama, la mwisho";
        d["{0} entries, chain intact, head"] = "maingizo {0}, mnyororo uko salama, la mwisho";
        d["Checked just now: every entry's hash recomputed from the first one, every entry balanced, every balance equal to its entries. No entry can be changed or removed without this check failing."] =
            "Limekaguliwa sasa hivi: hash ya kila ingizo imekokotolewa upya kuanzia la kwanza, kila ingizo limelingana, kila salio ni sawa na maingizo yake. Hakuna ingizo linaloweza kubadilishwa au kuondolewa bila ukaguzi huu kushindwa.";
        d["Verification FAILED at entry #{0}:"] = "Uthibitisho UMESHINDWA kwenye ingizo #{0}:";
        d["Verification FAILED:"] = "Uthibitisho UMESHINDWA:";
        d["See entry #{0}"] = "Tazama ingizo #{0}";
        d["The stored history no longer matches its hashes: something was changed outside Pamoja. Tell the group's officials and Pamoja support; do not record more money until it is explained."] =
            "Historia iliyohifadhiwa hailingani tena na hash zake: kuna kitu kilibadilishwa nje ya Pamoja. Waambie viongozi wa kikundi na huduma kwa wateja ya Pamoja; usirekodi pesa zaidi hadi jambo hili lielezwe.";
        d["Money in the pool"] = "Pesa kwenye mfuko";
        d["Total"] = "Jumla";
        d["Money"] = "Pesa";
        d["Pool statement"] = "Taarifa ya mfuko";
        d["Entries, newest first"] = "Maingizo, mapya kwanza";
        d["Each entry moves money between accounts, and its lines add up to zero: + on one account, − on another. A mistake is never erased; it is undone by a correcting entry that gives its reason."] =
            "Kila ingizo huhamisha pesa kati ya akaunti, na mistari yake hujumlika kuwa sifuri: + kwenye akaunti moja, − kwenye nyingine. Kosa halifutwi kamwe; hubatilishwa kwa ingizo la marekebisho linaloeleza sababu yake.";
        d["No money recorded yet."] = "Bado hakuna pesa zilizorekodiwa.";
        d["Fails verification"] = "Limeshindwa uthibitisho";
        d["Reason: {0}"] = "Sababu: {0}";
        d["{0} reference"] = "Kumbukumbu ya {0}";
        d["Undoes"] = "Linabatilisha";
        d["entry #{0}"] = "ingizo #{0}";
        d["an earlier entry"] = "ingizo la awali";
        d["Reversed"] = "Limebatilishwa";
        d["by"] = "na";
        d["Lines of entry #{0}, in {1}"] = "Mistari ya ingizo #{0}, kwa {1}";
        d["Hash"] = "Hash";
        d["Reverse…"] = "Batilisha…";
        d["Why reverse entry #{0}?"] = "Kwa nini unabatilisha ingizo #{0}?";
        d["Required. Everyone in the group will see it. The money is then taken off again; record it anew if it was only entered wrongly."] =
            "Lazima. Kila mtu kikundini ataiona. Pesa hizo zitaondolewa tena; zirekodi upya kama ziliingizwa vibaya tu.";
        d["Reverse entry #{0}"] = "Batilisha ingizo #{0}";
        d["Newer entries"] = "Maingizo mapya zaidi";
        d["This form is out of date. Open the ledger again and reverse the entry from there."] = "Fomu hii imepitwa na wakati. Fungua daftari tena na ubatilishe ingizo kutoka hapo.";
        d["Say why this entry is being reversed: everyone in the group will see it."] = "Eleza kwa nini ingizo hili linabatilishwa: kila mtu kikundini ataiona.";
        d["Keep the reason to {0} characters."] = "Sababu isizidi herufi {0}.";
        d["Reversed. The correction is entry #{0}, with the reason: {1}"] = "Limebatilishwa. Marekebisho ni ingizo #{0}, kwa sababu: {1}";
        d["That entry is not in this group's journal."] = "Ingizo hilo halimo kwenye daftari la kikundi hiki.";
        d["This reversal is still being recorded. Wait a moment and open the ledger again."] = "Ubatilishaji huu bado unarekodiwa. Subiri kidogo kisha ufungue daftari tena.";
        d["This form already reversed the entry with another reason. Open the ledger again to see it."] = "Fomu hii tayari ilibatilisha ingizo hili kwa sababu nyingine. Fungua daftari tena ili uione.";
        d["A former member"] = "Mwanachama wa zamani";

        // Accounts and pools (LedgerWords.Account, Pool, Methods)
        d["{0}' contributions"] = "Michango ya {0}";
        d["{0}'s contributions"] = "Michango ya {0}";
        d["{0} owes the group"] = "{0} anadaiwa na kikundi";
        d["{0}' payouts"] = "Migao ya {0}";
        d["{0}'s payouts"] = "Migao ya {0}";
        d["Pool (cash)"] = "Mfuko (pesa taslimu)";
        d["Pool (bank)"] = "Mfuko (benki)";
        d["Pool (mobile money)"] = "Mfuko (pesa za simu)";
        d["M-Pesa, on its way"] = "M-Pesa, zikiwa njiani";
        d["MoMo, on its way"] = "MoMo, zikiwa njiani";
        d["Fines"] = "Faini";
        d["Fees"] = "Ada";
        d["Interest"] = "Riba";
        d["Payouts still to pay"] = "Migao ambayo bado kulipwa";
        d["Funds brought from before Pamoja"] = "Fedha zilizoletwa kutoka kabla ya Pamoja";
        d["Bank"] = "Benki";
        d["Mobile money"] = "Pesa za simu";
        d["M-Pesa"] = "M-Pesa";
        d["MoMo"] = "MoMo";

        // Meeting
        d["Meeting – {0}"] = "Mkutano – {0}";
        d["See them on the ledger"] = "Yaone kwenye daftari";
        d["Open a new meeting screen"] = "Fungua skrini mpya ya mkutano";
        d["Date of the meeting"] = "Tarehe ya mkutano";
        d["Tick “Paid” for each member who paid. Each amount starts at the contribution, {0}; change it if someone paid a different amount. Only ticked members are recorded."] =
            "Weka alama “Amelipa” kwa kila mwanachama aliyelipa. Kila kiasi kinaanza na mchango, {0}; kibadilishe kama mtu alilipa kiasi tofauti. Wanachama waliowekewa alama tu ndio wanaorekodiwa.";
        d["Tick “Paid” and enter the amount for each member who paid. Only ticked members are recorded."] =
            "Weka alama “Amelipa” na uandike kiasi kwa kila mwanachama aliyelipa. Wanachama waliowekewa alama tu ndio wanaorekodiwa.";
        d["M-Pesa, MoMo and bank payments need their receipt or reference."] = "Malipo ya M-Pesa, MoMo na benki yanahitaji risiti au nambari ya kumbukumbu.";
        d["The group has no active members yet."] = "Kikundi bado hakina wanachama hai.";
        d["Receipt or ref"] = "Risiti au kumbukumbu";
        d["Suspended"] = "Amesimamishwa";
        d["Balance {0}"] = "Salio {0}";
        d["Recorded"] = "Imerekodiwa";
        d["Already recorded"] = "Ilisharekodiwa";
        d["Amount paid by {0}, in {1}"] = "Kiasi alicholipa {0}, kwa {1}";
        d["How {0} paid"] = "Jinsi {0} alivyolipa";
        d["Receipt or reference of {0}'s payment (not needed for cash)"] = "Risiti au kumbukumbu ya malipo ya {0} (haihitajiki kwa pesa taslimu)";
        d["Receipt/ref"] = "Risiti/kumb.";
        d["Record payments"] = "Rekodi malipo";
        d["(for the next meeting; this one keeps what it recorded)"] = "(kwa mkutano ujao; huu unabaki na ulichorekodi)";
        d["This form is out of date. Open the meeting screen again and enter the payments there."] = "Fomu hii imepitwa na wakati. Fungua skrini ya mkutano tena na uingize malipo hapo.";
        d["Enter the date of the meeting."] = "Weka tarehe ya mkutano.";
        d["Enter the date of the meeting as a date, like {0}."] = "Weka tarehe ya mkutano kama tarehe, kwa mfano {0}.";
        d["The meeting date cannot be in the future."] = "Tarehe ya mkutano haiwezi kuwa ya baadaye.";
        d["That meeting date is too far in the past."] = "Tarehe hiyo ya mkutano ni ya zamani mno.";
        d["Recorded 1 payment, total {0}."] = "Malipo 1 yamerekodiwa, jumla {0}.";
        d["Recorded {0} payments, total {1}."] = "Malipo {0} yamerekodiwa, jumla {1}.";
        d["Nothing new recorded: 1 payment ({0}) was already recorded from this screen, and was not recorded again."] = "Hakuna jipya lililorekodiwa: malipo 1 ({0}) yalisharekodiwa kutoka skrini hii, na hayakurekodiwa tena.";
        d["Nothing new recorded: {0} payments ({1}) were already recorded from this screen, and were not recorded again."] = "Hakuna jipya lililorekodiwa: malipo {0} ({1}) yalisharekodiwa kutoka skrini hii, na hayakurekodiwa tena.";
        d["1 payment ({0}) was already recorded from this screen, and was not recorded again."] = "Malipo 1 ({0}) yalisharekodiwa kutoka skrini hii, na hayakurekodiwa tena.";
        d["{0} payments ({1}) were already recorded from this screen, and were not recorded again."] = "Malipo {0} ({1}) yalisharekodiwa kutoka skrini hii, na hayakurekodiwa tena.";
        d["Nothing recorded: tick “Paid” for each member who paid."] = "Hakuna kilichorekodiwa: weka alama “Amelipa” kwa kila mwanachama aliyelipa.";
        d["1 row needs fixing (marked below). Correct it and press “Record payments” again: the rows already recorded will not be recorded twice."] =
            "Mstari 1 unahitaji kurekebishwa (umewekewa alama hapa chini). Urekebishe kisha ubonyeze “Rekodi malipo” tena: mistari iliyokwisha rekodiwa haitarekodiwa mara mbili.";
        d["{0} rows need fixing (marked below). Correct them and press “Record payments” again: the rows already recorded will not be recorded twice."] =
            "Mistari {0} inahitaji kurekebishwa (imewekewa alama hapa chini). Irekebishe kisha ubonyeze “Rekodi malipo” tena: mistari iliyokwisha rekodiwa haitarekodiwa mara mbili.";
        d["Enter the amount paid, or untick this member."] = "Weka kiasi kilicholipwa, au ondoa alama kwa mwanachama huyu.";
        d["Enter an amount above zero, or untick this member."] = "Weka kiasi zaidi ya sifuri, au ondoa alama kwa mwanachama huyu.";
        d["Enter the M-Pesa receipt number, like QKJ3X7Y8Z9."] = "Weka nambari ya risiti ya M-Pesa, kwa mfano QKJ3X7Y8Z9.";
        d["Enter the MoMo transaction id."] = "Weka nambari ya muamala wa MoMo.";
        d["Enter the bank transfer's reference."] = "Weka nambari ya kumbukumbu ya uhamisho wa benki.";
        d["The date: {0}"] = "Tarehe: {0}";
        d["This {0} reference is already recorded for a payment. Check the receipt; if the earlier entry was wrong, reverse it on the ledger first."] =
            "Kumbukumbu hii ya {0} tayari imerekodiwa kwa malipo mengine. Kagua risiti; kama ingizo la awali lilikuwa na kosa, libatilishe kwanza kwenye daftari.";
        d["This payment is still being recorded by your previous submit. Wait a moment and press “Record payments” again."] =
            "Malipo haya bado yanarekodiwa kutokana na ulichotuma awali. Subiri kidogo kisha ubonyeze “Rekodi malipo” tena.";
        d["A different payment was already recorded for this member from this screen. If it was wrong, reverse it on the ledger; to record another payment, open a new meeting screen."] =
            "Malipo mengine tayari yalirekodiwa kwa mwanachama huyu kutoka skrini hii. Kama yalikuwa na kosa, yabatilishe kwenye daftari; kurekodi malipo mengine, fungua skrini mpya ya mkutano.";
    }
}
