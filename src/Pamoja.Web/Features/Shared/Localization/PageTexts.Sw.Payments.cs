namespace Pamoja.Web.Features.Shared.Localization;

public sealed partial class PageTexts
{
    static partial void AddPayments(Dictionary<string, string> d)
    {
        // Paying by mobile money
        d["Pay by mobile money – {0}"] = "Lipa kwa pesa kwa simu – {0}";
        d["Mobile money is not set up on this server. Pay the treasurer in cash or by bank."] = "Pesa kwa simu haijawekwa kwenye seva hii. Mlipe mweka hazina kwa pesa taslimu au kupitia benki.";
        d["Pay now"] = "Lipa sasa";
        d["Your phone shows a request from the provider: approve it with your PIN. Pamoja records your contribution when the provider confirms it, with its receipt."] = "Simu yako itaonyesha ombi kutoka kwa mtoa huduma: likubali kwa PIN yako. Pamoja itarekodi mchango wako mtoa huduma atakapouthibitisha, pamoja na risiti yake.";
        d["Amount ({0})"] = "Kiasi ({0})";
        d["Pay with"] = "Lipa kwa";
        d["Send the request to my phone"] = "Tuma ombi kwenye simu yangu";
        d["Pay automatically"] = "Lipa kiotomatiki";
        d["On each due date, {0} asks you on your phone to pay what you owe. You approve it with your PIN."] = "Kila tarehe ya kulipa, {0} itakuomba kwenye simu yako ulipe deni lako. Unalikubali kwa PIN yako.";
        d["You are not asked automatically. With a standing instruction, your phone asks you to approve each contribution on its due date."] = "Huombwi kiotomatiki. Ukiweka agizo la kudumu, simu yako itakuomba ukubali kila mchango siku yake ya kulipa.";
        d["Ask me by"] = "Niombe kupitia";
        d["Nobody: I pay myself"] = "Hakuna: ninalipa mwenyewe";
        d["How payouts are paid"] = "Jinsi migao inavyolipwa";
        d["By hand (cash or bank), confirmed by an official"] = "Kwa mkono (pesa taslimu au benki), ikithibitishwa na kiongozi";
        d["Sent by {0} to the recipient's phone"] = "Hutumwa kwa {0} kwenye simu ya mpokeaji";
        d["The group's payments"] = "Malipo ya kikundi";
        d["My payments"] = "Malipo yangu";
        d["No mobile-money payments yet."] = "Bado hakuna malipo ya pesa kwa simu.";
        d["What"] = "Nini";
        d["Status"] = "Hali";
        d["Receipt"] = "Risiti";
        d["Action"] = "Kitendo";
        d["Payout by {0}"] = "Mgao kwa {0}";
        d["Contribution by {0}"] = "Mchango kwa {0}";
        d["Try again"] = "Jaribu tena";
        d["Where the provider and the books disagree, or a payment has not settled after its day closed. Check the provider's statement, put things right (record, reverse or ask the provider), then say what you did."] = "Pale ambapo mtoa huduma na vitabu havikubaliani, au malipo hayajakamilika baada ya siku yake kufungwa. Kagua taarifa ya mtoa huduma, rekebisha mambo (rekodi, batilisha au muulize mtoa huduma), kisha eleza ulichofanya.";
        d["None open: the books and the providers agree."] = "Hakuna iliyo wazi: vitabu na watoa huduma vinakubaliana.";
        d["What was done"] = "Kilichofanyika";
        d["Resolve"] = "Tatua";

        // A payment's status
        d["Waiting for the provider"] = "Inasubiri mtoa huduma";
        d["Paid"] = "Imelipwa";
        d["Failed"] = "Imeshindikana";
        d["Checking with the provider"] = "Inakaguliwa na mtoa huduma";

        // One payment
        d["Payment – {0}"] = "Malipo – {0}";
        d["Payment by {0}"] = "Malipo kwa {0}";
        d["The provider is sending the money."] = "Mtoa huduma anatuma pesa.";
        d["Check your phone and approve the request with your PIN."] = "Angalia simu yako na ukubali ombi kwa PIN yako.";
        d["This page updates by itself."] = "Ukurasa huu unajisasisha wenyewe.";
        d["Why"] = "Sababu";
        d["The provider did not say."] = "Mtoa huduma hakueleza.";
        d["Attempt"] = "Jaribio";
        d["Started"] = "Ilianza";

        // Messages after a form
        d["Choose M-Pesa, MoMo or none."] = "Chagua M-Pesa, MoMo au hakuna.";
        d["You will no longer be asked to pay automatically."] = "Hutaombwa tena kulipa kiotomatiki.";
        d["On each due date, {0} will ask you on your phone to pay what you owe."] = "Kila tarehe ya kulipa, {0} itakuomba kwenye simu yako ulipe deni lako.";
        d["Choose by hand, M-Pesa or MoMo."] = "Chagua kwa mkono, M-Pesa au MoMo.";
        d["Payouts are paid by hand and confirmed by an official."] = "Migao hulipwa kwa mkono na kuthibitishwa na kiongozi.";
        d["Payouts are sent by {0} to each recipient's phone."] = "Migao hutumwa kwa {0} kwenye simu ya kila mpokeaji.";
        d["This form is out of date. Open the page again."] = "Fomu hii imepitwa na wakati. Fungua ukurasa tena.";
        d["Say what was done about it (at most {0} characters)."] = "Eleza kilichofanyika kuhusu jambo hili (herufi {0} au chache zaidi).";
        d["That exception is already resolved, or is not this group's."] = "Tofauti hiyo tayari imetatuliwa, au si ya kikundi hiki.";
        d["Exception resolved."] = "Tofauti imetatuliwa.";
    }
}
