namespace Pamoja.Web.Features.Shared.Localization;

public sealed partial class PageTexts
{
    static partial void AddSchedules(Dictionary<string, string> d)
    {
        // Schedule
        d["Schedule – {0}"] = "Ratiba – {0}";
        d["Rotation and draw"] = "Mzunguko na droo";
        d["Period {0}: due {1}"] = "Kipindi {0}: mwisho wa kulipa {1}";
        d["Receives"] = "Anayepokea";
        d["Collected"] = "Kilichokusanywa";
        d["Payments for this period open three days before the due date."] = "Malipo ya kipindi hiki yanafunguliwa siku tatu kabla ya tarehe ya mwisho wa kulipa.";
        d["Who has paid for period {0}"] = "Waliolipa kwa kipindi {0}";
        d["Owes"] = "Anadaiwa";
        d["{0} (fined {1})"] = "{0} (faini {1})";
        d["Who receives when"] = "Nani anapokea lini";
        d["Period"] = "Kipindi";
        d["Due"] = "Mwisho wa kulipa";
        d["The order of turns is not set yet: set it on the rotation page before the first period."] = "Mpangilio wa zamu bado haujawekwa: uweke kwenye ukurasa wa mzunguko kabla ya kipindi cha kwanza.";
        d["The order of turns is not set yet: the chair sets it before the first period."] = "Mpangilio wa zamu bado haujawekwa: mwenyekiti ataweka kabla ya kipindi cha kwanza.";
        d["Nobody is behind."] = "Hakuna aliyechelewa kulipa.";
        d["Unpaid after the grace days"] = "Ambayo haijalipwa baada ya siku za nyongeza";
        d["a former member"] = "mwanachama wa zamani";

        // Period and obligation statuses (ScheduleModel.Status, ObligationStatus)
        d["Collecting"] = "Kinakusanya";
        d["All paid"] = "Wote wamelipa";
        d["Payout ready"] = "Mgao uko tayari";
        d["Paid out"] = "Mgao umetolewa";
        d["Payout cancelled"] = "Mgao umefutwa";
        d["No payments (turn left empty)"] = "Hakuna malipo (zamu imeachwa wazi)";
        d["Part paid"] = "Amelipa sehemu";
        d["Not yet due"] = "Bado haijafika";

        // Payouts
        d["Payouts – {0}"] = "Migao – {0}";
        d["When a period's money is in (or on its due date, if the group chose that), Pamoja sets the pot aside for its recipient. An official who is not the recipient then confirms it was handed over, or cancels it with a reason. A payout is paid once or cancelled once, never both."] =
            "Pesa za kipindi zikishakamilika (au siku ya mwisho wa kulipa, kama kikundi kilichagua hivyo), Pamoja hutenga chungu kwa ajili ya anayepokea. Kisha kiongozi ambaye si mpokeaji anathibitisha kuwa kimekabidhiwa, au anakifuta akitoa sababu. Mgao hulipwa mara moja au hufutwa mara moja, kamwe si yote mawili.";
        d["No payouts yet."] = "Bado hakuna migao.";
        d["To"] = "Hadi";
        d["{0} to the recipient, plus the bid discount of {1} shared among the other members: confirming pays out both"] =
            "{0} kwa mpokeaji, pamoja na punguzo la zabuni la {1} linalogawanywa kwa wanachama wengine: ukithibitisha, vyote viwili vinalipwa";
        d["Paid by"] = "Imelipwa kwa";
        d["Cash"] = "Pesa taslimu";
        d["Bank transfer"] = "Uhamisho wa benki";
        d["Confirm paid"] = "Thibitisha imelipwa";
        d["Send by {0}"] = "Tuma kwa {0}";
        d["Reason to cancel"] = "Sababu ya kufuta";
        d["Cancel payout"] = "Futa mgao";
        d["Another official confirms your payout."] = "Kiongozi mwingine atathibitisha mgao wako.";
        d["This form is out of date. Open the payouts again."] = "Fomu hii imepitwa na wakati. Fungua ukurasa wa migao tena.";
        d["Say why this payout is cancelled (at most {0} characters): everyone in the group will see it."] = "Eleza kwa nini mgao huu unafutwa (herufi {0} au chache): kila mtu kikundini ataiona.";
        d["Payout for period {0} confirmed as paid ({1}); entry #{2}."] = "Mgao wa kipindi {0} umethibitishwa kuwa umelipwa ({1}); ingizo #{2}.";
        d["Payout for period {0} cancelled; its reservation was reversed (entry #{1})."] = "Mgao wa kipindi {0} umefutwa; pesa zilizotengwa zimerudishwa (ingizo #{1}).";
        d["Ready to pay"] = "Tayari kulipwa";
        d["Cancelled"] = "Umefutwa";

        // Rotation
        d["Rotation – {0}"] = "Mzunguko – {0}";
        d["Order"] = "Mpangilio";
        d["Fixed by the chair"] = "Umepangwa na mwenyekiti";
        d["Lottery draw"] = "Droo ya bahati nasibu";
        d["Pot"] = "Chungu";
        d["Net: the recipient does not pay in their own period"] = "Halisi: mpokeaji halipi katika kipindi chake mwenyewe";
        d["Gross: everyone pays every period"] = "Jumla: kila mtu analipa kila kipindi";
        d["On the due date, whatever was collected"] = "Siku ya mwisho wa kulipa, chochote kilichokusanywa";
        d["When everyone has paid"] = "Wote wakishalipa";
        d["If someone leaves before their turn"] = "Mtu akiondoka kabla ya zamu yake";
        d["Their period is skipped"] = "Kipindi chake kinarukwa";
        d["Later turns move up"] = "Zamu zinazofuata zinasogezwa mbele";
        d["Cycle {0}, from period {1}"] = "Mzunguko {0}, kuanzia kipindi {1}";
        d["Period {0}: {1}"] = "Kipindi {0}: {1}";
        d["Not yet decided: {0}"] = "Bado haijaamuliwa: {0}";
        d[" (bid {0})"] = " (zabuni {0})";
        d["Proof of the draw"] = "Uthibitisho wa droo";
        d["Commitment (published before the draw)"] = "Ahadi (iliyotangazwa kabla ya droo)";
        d["Seed (revealed at the draw, {0})"] = "Mbegu (iliyofichuliwa wakati wa droo, {0})";
        d["Seed (revealed at the draw)"] = "Mbegu (iliyofichuliwa wakati wa droo)";
        d["Checked now"] = "Imekaguliwa sasa";
        d["SHA-256 of the seed equals the commitment, and the order follows from the seed and the members."] = "SHA-256 ya mbegu inalingana na ahadi, na mpangilio unatokana na mbegu na wanachama.";
        d["The proof does NOT check out."] = "Uthibitisho HAULINGANI.";
        d["Anyone can check this: SHA-256 of the seed's bytes must give the commitment; the order is algorithm"] = "Mtu yeyote anaweza kukagua hili: SHA-256 ya baiti za mbegu lazima itoe ahadi; mpangilio unatumia algorithm";
        d["(members sorted by id, then a shuffle driven by SHA-256 of the seed), documented in Pamoja's source."] = "(wanachama hupangwa kwa id, kisha huchanganywa kwa kutumia SHA-256 ya mbegu), iliyoelezwa katika msimbo wa Pamoja.";
        d["Next draw"] = "Droo ijayo";
        d["Commitment for cycle {0}, published {1} UTC:"] = "Ahadi ya mzunguko {0}, iliyotangazwa {1} UTC:";
        d["Write it down or screenshot it now. At the draw, the seed behind it is revealed: if it does not hash to this, the draw was not fair."] = "Iandike au piga picha ya skrini sasa. Wakati wa droo, mbegu iliyo nyuma yake itafichuliwa: kama hash yake hailingani na hii, droo haikuwa ya haki.";
        d["Draw the order now"] = "Chezesha droo ya mpangilio sasa";
        d["If nobody draws, Pamoja draws with the published commitment when the cycle begins."] = "Mtu asipochezesha droo, Pamoja itaichezesha kwa ahadi iliyotangazwa mzunguko unapoanza.";
        d["Set the order"] = "Weka mpangilio";
        d["Give each member their place: 1 receives first. Once a cycle is under way, only the turns still to come can change."] = "Mpe kila mwanachama nafasi yake: 1 anapokea kwanza. Mzunguko ukishaanza, zamu ambazo bado hazijafika tu ndizo zinaweza kubadilishwa.";
        d["Save the order"] = "Hifadhi mpangilio";
        d["Bid for a turn"] = "Weka zabuni ya zamu";
        d["Offer a discount on the pot to receive in a period. The highest discount wins when the period's payments open; the discount is shared among the other members."] = "Toa punguzo kwenye chungu ili upokee katika kipindi fulani. Punguzo kubwa zaidi linashinda malipo ya kipindi yanapofunguliwa; punguzo hilo hugawanywa kwa wanachama wengine.";
        d["Discount ({0})"] = "Punguzo ({0})";
        d["Place bid"] = "Weka zabuni";
        d["Payout rules"] = "Kanuni za mgao";
        d["Pay the recipient"] = "Mlipe mpokeaji";
        d["when everyone has paid"] = "wote wakishalipa";
        d["on the due date, with what was collected"] = "siku ya mwisho wa kulipa, kwa kilichokusanywa";
        d["When someone leaves before their turn"] = "Mtu akiondoka kabla ya zamu yake";
        d["later turns move up (the cycle is shorter)"] = "zamu zinazofuata zinasogezwa mbele (mzunguko unakuwa mfupi)";
        d["their period is skipped"] = "kipindi chake kinarukwa";
        d["(turn left empty)"] = "(zamu imeachwa wazi)";
        d["The order of turns is saved."] = "Mpangilio wa zamu umehifadhiwa.";
        d["Drawn. Seed {0}; it hashes to the commitment {1} published on {2}."] = "Droo imechezeshwa. Mbegu {0}; hash yake inalingana na ahadi {1} iliyotangazwa tarehe {2}.";
        d["Saved."] = "Imehifadhiwa.";
        d["Write the discount as an amount in {0}, such as 100 or 100.50."] = "Andika punguzo kama kiasi cha {0}, kwa mfano 100 au 100.50.";
        d["Your bid for period {0} is in. Bids close when the period's payments open."] = "Zabuni yako ya kipindi {0} imepokelewa. Zabuni zinafungwa malipo ya kipindi yanapofunguliwa.";
    }
}
