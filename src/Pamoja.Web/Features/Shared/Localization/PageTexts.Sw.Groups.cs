namespace Pamoja.Web.Features.Shared.Localization;

public sealed partial class PageTexts
{
    static partial void AddGroups(Dictionary<string, string> d)
    {
        // The kinds of group (GroupWords.Kind, GroupWords.KindExplained)
        d["Rotating (stokvel, merry-go-round, ajo)"] = "Mzunguko (merry-go-round, stokvel, ajo)";
        d["Savings and loans (accumulating chama)"] = "Akiba na mikopo (chama cha kulimbikiza)";
        d["Village savings and loan association (VSLA)"] = "Chama cha kijiji cha akiba na mikopo (VSLA)";
        d["Cooperative (farmers' produce)"] = "Ushirika (mazao ya wakulima)";
        d["Everyone pays the same amount each period and one member takes the whole pot, in turn."] = "Kila mtu hulipa kiasi kilekile kila kipindi na mwanachama mmoja huchukua mchango wote, kwa zamu.";
        d["Contributions build up a fund that members borrow from with interest; fines and fees add to it."] = "Michango hujenga mfuko ambao wanachama hukopa kutoka kwake kwa riba; faini na ada huongeza mfuko.";
        d["Members buy 1 to 5 shares at each meeting; the fund lends to members and is shared out at the end of the cycle."] = "Wanachama hununua hisa 1 hadi 5 kila mkutano; mfuko huwakopesha wanachama na hugawanywa mwishoni mwa mzunguko.";
        d["Farmers deliver produce, officials record it, and each farmer is paid every pay period, minus deductions."] = "Wakulima huleta mazao, viongozi huyarekodi, na kila mkulima hulipwa kila kipindi cha malipo, baada ya makato.";

        // Roles (GroupWords.Role)
        d["Chair"] = "Mwenyekiti";
        d["Treasurer"] = "Mweka hazina";
        d["Secretary"] = "Katibu";
        d["Member"] = "Mwanachama";

        // Your groups, joining, creating
        d["You are not in any group yet. Start one, or join a group with the code its officials gave you."] = "Bado huko kwenye kikundi chochote. Anzisha kimoja, au jiunge na kikundi kwa nambari ya mwaliko uliyopewa na viongozi wake.";
        d["Join with a code"] = "Jiunge kwa nambari ya mwaliko";
        d["Invited by SMS? Open the link in the message to accept the invitation."] = "Umealikwa kwa SMS? Fungua kiungo kilicho kwenye ujumbe ili kukubali mwaliko.";
        d["Waiting for approval"] = "Inasubiri idhini";
        d["Join a group"] = "Jiunge na kikundi";
        d["Enter the invite code the group's officials gave you. They approve your request before you become a member."] = "Weka nambari ya mwaliko uliyopewa na viongozi wa kikundi. Wataidhinisha ombi lako kabla hujawa mwanachama.";
        d["Invite code"] = "Nambari ya mwaliko";
        d["8 letters and numbers, like K7M2QX9P."] = "Herufi na tarakimu 8, kama K7M2QX9P.";
        d["Ask to join"] = "Omba kujiunga";
        d["Enter the invite code."] = "Weka nambari ya mwaliko.";
        d["The invite code"] = "Nambari ya mwaliko";
        d["Request sent to {0}. An official of the group will approve it; it shows here as waiting until then."] = "Ombi limetumwa kwa {0}. Kiongozi wa kikundi ataliidhinisha; hadi hapo litaonekana hapa kama linasubiri.";
        d["No group has this invite code. Check it with the official who gave it to you."] = "Hakuna kikundi chenye nambari hii ya mwaliko. Ihakikishe na kiongozi aliyekupa.";
        d["Create a group: {0}"] = "Unda kikundi: {0}";
        d["What kind of group is it? You can set the details on the next page."] = "Ni kikundi cha aina gani? Utaweka maelezo zaidi kwenye ukurasa unaofuata.";
        d["Back to your groups"] = "Rudi kwenye vikundi vyako";
        d["Choose another kind"] = "Chagua aina nyingine";
        d["You will be its chair."] = "Wewe utakuwa mwenyekiti wake.";
        d["Create the group"] = "Unda kikundi";
        d["Your group is ready and you are its chair. Next, add its members."] = "Kikundi chako kiko tayari na wewe ni mwenyekiti wake. Sasa ongeza wanachama wake.";

        // A group's overview
        d["This group"] = "Kikundi hiki";
        d["Meeting: record payments"] = "Mkutano: rekodi malipo";
        d["Schedule: who receives when"] = "Ratiba: nani anapokea lini";
        d["Pay by mobile money: payments and reconciliation"] = "Lipa kwa pesa kwa simu: malipo na ulinganisho";
        d["The group"] = "Kikundi";
        d["Pay period"] = "Kipindi cha malipo";
        d["Contribution"] = "Mchango";
        d["Rotation"] = "Mzunguko";
        d["Shares"] = "Hisa";
        d["Currency"] = "Sarafu";
        d["Start date"] = "Tarehe ya kuanza";
        d["{0} of at most {1}"] = "{0} kati ya wasiozidi {1}";
        d["Registration fee"] = "Ada ya usajili";
        d["Late fine"] = "Faini ya kuchelewa";
        d["Meetings"] = "Mikutano";
        d["Your role"] = "Nafasi yako";
        d["From {0}, {1}."] = "Kuanzia {0}, {1}.";
        d["the contribution becomes {0}"] = "mchango unakuwa {0}";
        d["the registration fee becomes {0}"] = "ada ya usajili inakuwa {0}";
        d["the late fine becomes {0}"] = "faini ya kuchelewa inakuwa {0}";
        d["the rotation becomes: {0}"] = "mzunguko unakuwa: {0}";
        d["members buy {0}"] = "wanachama wananunua {0}";
        d["none"] = "hakuna";
        d["Rules"] = "Kanuni";
        d["No rules written down yet."] = "Bado hakuna kanuni zilizoandikwa.";
        d["Invite people"] = "Alika watu";
        d["Share the code or the link. People who ask to join wait until an official approves them."] = "Shiriki nambari ya mwaliko au kiungo. Wanaoomba kujiunga husubiri hadi kiongozi awaidhinishe.";
        d["Join link"] = "Kiungo cha kujiunga";
        d["Or {0}."] = "Au {0}.";
        d["add a member by phone number"] = "ongeza mwanachama kwa nambari ya simu";

        // Settings
        d["Settings – {0}"] = "Mipangilio – {0}";
        d["Reload the settings"] = "Pakia mipangilio upya";
        d["Kind of group"] = "Aina ya kikundi";
        d["(cannot change)"] = "(haiwezi kubadilishwa)";
        d["The money rules below start on {0}. Until then the rules of version {1} apply (see the history at the end)."] = "Kanuni za pesa zilizo hapa chini zinaanza tarehe {0}. Hadi hapo kanuni za toleo {1} ndizo zinatumika (tazama historia mwishoni).";
        d["Once money has moved, changes to the money rules (contribution, fees, fines) apply from the next period, and the start date and time zone are fixed."] = "Pesa zikishaanza kuingia au kutoka, mabadiliko ya kanuni za pesa (mchango, ada, faini) yanatumika kuanzia kipindi kijacho, na tarehe ya kuanza na saa za eneo haviwezi kubadilishwa.";
        d["Once money has moved, changes to the money rules (contribution, fees, fines, rotation) apply from the next period, and the start date and time zone are fixed."] = "Pesa zikishaanza kuingia au kutoka, mabadiliko ya kanuni za pesa (mchango, ada, faini, mzunguko) yanatumika kuanzia kipindi kijacho, na tarehe ya kuanza na saa za eneo haviwezi kubadilishwa.";
        d["Once money has moved, changes to the money rules (contribution, fees, fines, shares) apply from the next period, and the start date and time zone are fixed."] = "Pesa zikishaanza kuingia au kutoka, mabadiliko ya kanuni za pesa (mchango, ada, faini, hisa) yanatumika kuanzia kipindi kijacho, na tarehe ya kuanza na saa za eneo haviwezi kubadilishwa.";
        d["Save the settings"] = "Hifadhi mipangilio";
        d["Cancel"] = "Ghairi";
        d["History of the money rules"] = "Historia ya kanuni za pesa";
        d["From"] = "Kuanzia";
        d["Fees and fines"] = "Ada na faini";
        d["In force"] = "Inatumika";
        d["Upcoming"] = "Inakuja";
        d["Registration: {0}"] = "Usajili: {0}";
        d["Late fine: {0}"] = "Faini ya kuchelewa: {0}";
        d["Settings saved."] = "Mipangilio imehifadhiwa.";
        d["Settings saved. No money has moved yet, so the new money rules apply from the group's start, {0}."] = "Mipangilio imehifadhiwa. Bado hakuna pesa zilizoingia wala kutoka, kwa hiyo kanuni mpya za pesa zinatumika tangu kikundi kilipoanza, {0}.";
        d["Settings saved. The new money rules apply from {0}, the start of the next period; until then the current ones stay."] = "Mipangilio imehifadhiwa. Kanuni mpya za pesa zinaanza {0}, mwanzo wa kipindi kijacho; hadi hapo za sasa zinaendelea.";
        d["Someone else changed the settings while you were editing them. Reload the page to see their changes, then make yours again."] = "Mtu mwingine amebadilisha mipangilio ulipokuwa ukiihariri. Pakia ukurasa upya uone mabadiliko yake, kisha fanya yako tena.";
        // The settings fields (new group and settings)
        d["In {0}, a whole number, like 5,000."] = "Kwa {0}, nambari kamili, kama 5,000.";
        d["In {0}, like 1,500 or 1,500.50."] = "Kwa {0}, kama 1,500 au 1,500.50.";
        d["In the group's currency, like 1,500 or 1,500.50 (RWF and UGX have no cents)."] = "Kwa sarafu ya kikundi, kama 1,500 au 1,500.50 (RWF na UGX hazina senti).";
        d["Group name"] = "Jina la kikundi";
        d["All amounts in the group are in this currency. It cannot change later."] = "Kiasi chote katika kikundi kiko kwa sarafu hii. Haiwezi kubadilishwa baadaye.";
        d["Pay period and savings"] = "Kipindi cha malipo na akiba";
        d["Savings deduction per pay period"] = "Makato ya akiba kwa kila kipindi cha malipo";
        d["Share value"] = "Thamani ya hisa";
        d["(what one share costs)"] = "(bei ya hisa moja)";
        d["Contribution per member each period"] = "Mchango wa kila mwanachama kila kipindi";
        d["Farmers are paid"] = "Wakulima hulipwa";
        d["How often"] = "Mara ngapi";
        d["Cooperatives usually pay every 15 days."] = "Vyama vya ushirika kwa kawaida hulipa kila siku 15.";
        d["Weekly"] = "Kila wiki";
        d["Every two weeks"] = "Kila wiki mbili";
        d["Every 15 days"] = "Kila siku 15";
        d["Monthly"] = "Kila mwezi";
        d["Every N days (enter N below)"] = "Kila siku N (weka N hapa chini)";
        d["Number of days in a period"] = "Idadi ya siku katika kipindi";
        d["(only for “every N days”)"] = "(kwa “kila siku N” tu)";
        d["The first period starts on this day. A past date is fine for a group moving onto Pamoja."] = "Kipindi cha kwanza kinaanza siku hii. Tarehe iliyopita inafaa kwa kikundi kinachohamia Pamoja.";
        d["Member limit"] = "Idadi ya juu ya wanachama";
        d["The most members the group can have, 2 to 500."] = "Idadi kubwa zaidi ya wanachama kikundi kinachoweza kuwa nao, 2 hadi 500.";
        d["Who gets the pot when"] = "Nani anapokea mchango lini";
        d["Fixed list"] = "Orodha maalum";
        d["The order is agreed up front."] = "Mpangilio unakubaliwa mapema.";
        d["Lottery"] = "Bahati nasibu";
        d["A draw decides the order; members can check it afterwards."] = "Kura huamua mpangilio; wanachama wanaweza kuikagua baadaye.";
        d["Bidding"] = "Zabuni";
        d["Members bid a discount for an earlier turn; the discount goes to the others."] = "Wanachama hutoa punguzo ili wapate zamu ya mapema; punguzo huenda kwa wengine.";
        d["Pot rule"] = "Kanuni ya mchango wa zamu";
        d["Gross"] = "Jumla kamili";
        d["Everyone pays every period, the recipient too: 10 members × 5,000 make a pot of 50,000."] = "Kila mtu hulipa kila kipindi, hata mpokeaji: wanachama 10 × 5,000 hufanya jumla ya 50,000.";
        d["Net"] = "Bila mchango wa mpokeaji";
        d["The recipient does not pay in their own turn: with 6 members paying 1,500, the recipient gets 7,500."] = "Mpokeaji halipi katika zamu yake: wanachama 6 wakilipa 1,500, mpokeaji anapata 7,500.";
        d["Shares per meeting"] = "Hisa kwa kila mkutano";
        d["How many shares each member may buy at one meeting (1 to 10; usually 1 to 5)."] = "Idadi ya hisa kila mwanachama anazoweza kununua katika mkutano mmoja (1 hadi 10; kwa kawaida 1 hadi 5).";
        d["At least"] = "Angalau";
        d["At most"] = "Zisizozidi";
        d["Paid once by each new member."] = "Hulipwa mara moja na kila mwanachama mpya.";
        d["A flat amount <strong>or</strong> a percentage of the amount due – fill in one, or neither for no fine."] = "Kiasi kamili <strong>au</strong> asilimia ya kiasi kinachodaiwa – jaza kimoja, au usijaze chochote kama hakuna faini.";
        d["Flat amount"] = "Kiasi kamili";
        d["Or percentage of the amount due"] = "Au asilimia ya kiasi kinachodaiwa";
        d["Grace days"] = "Siku za neema";
        d["Days after the due date before the fine applies (0 to 60)."] = "Siku baada ya tarehe ya kulipa kabla faini haijaanza (0 hadi 60).";
        d["Rules of the group"] = "Kanuni za kikundi";
        d["In your own words, as the members agreed them. Every member can read them."] = "Kwa maneno yenu wenyewe, kama wanachama walivyokubaliana. Kila mwanachama anaweza kuzisoma.";
        d["Day"] = "Siku";
        d["No regular day"] = "Hakuna siku maalum";
        d["Monday"] = "Jumatatu";
        d["Tuesday"] = "Jumanne";
        d["Wednesday"] = "Jumatano";
        d["Thursday"] = "Alhamisi";
        d["Friday"] = "Ijumaa";
        d["Saturday"] = "Jumamosi";
        d["Sunday"] = "Jumapili";
        d["Time"] = "Saa";
        d["For example 14:00 (2 pm)."] = "Kwa mfano 14:00 (saa nane mchana).";
        d["Place"] = "Mahali";
        d["Time zone"] = "Saa za eneo";
        d["For example Africa/Nairobi; leave empty for the currency's usual one. Due dates follow the group's own day."] = "Kwa mfano Africa/Nairobi; acha wazi kutumia ile ya kawaida ya sarafu. Tarehe za kulipa hufuata siku ya kikundi chenyewe.";
        // Form errors (GroupSettingsForm.ToInput, MoneyInput: not scanned by the page test, keep in step by hand)
        d["Enter an amount more than zero."] = "Weka kiasi kikubwa kuliko sifuri.";
        d["Enter a whole number, like {0}."] = "Weka nambari kamili, kama {0}.";
        d["Enter how many days each period lasts (1 to {0})."] = "Weka idadi ya siku za kila kipindi (1 hadi {0}).";
        d["A period lasts 1 to {0} days."] = "Kipindi kina siku 1 hadi {0}.";
        d["Enter the start date. A past date is fine for a group moving onto Pamoja."] = "Weka tarehe ya kuanza. Tarehe iliyopita inafaa kwa kikundi kinachohamia Pamoja.";
        d["Enter the start date as year-month-day, like 2026-03-01."] = "Weka tarehe ya kuanza kama mwaka-mwezi-siku, kama 2026-03-01.";
        d["Enter the most members the group can have ({0} to {1})."] = "Weka idadi kubwa zaidi ya wanachama kikundi kinachoweza kuwa nao ({0} hadi {1}).";
        d["Enter a percentage, like 5 or 2.5."] = "Weka asilimia, kama 5 au 2.5.";
        d["{0} has no cents: enter a whole number, like 5,000."] = "{0} haina senti: weka nambari kamili, kama 5,000.";
        d["{0} amounts have at most {1} decimals, like 1,500.50."] = "Kiasi cha {0} kina desimali zisizozidi {1}, kama 1,500.50.";
        d["That amount is far too large."] = "Kiasi hicho ni kikubwa mno.";
        d["Enter an amount in {0} as a whole number, like 5,000."] = "Weka kiasi kwa {0} kama nambari kamili, kama 5,000.";
        d["Enter an amount in {0}, like 1,500 or 1,500.50."] = "Weka kiasi kwa {0}, kama 1,500 au 1,500.50.";
        // The group's rules in words (GroupWords.Contribution, Frequency, LateFine, Rotation, Shares, Meeting; kept in step by hand)
        d["weekly"] = "kila wiki";
        d["every two weeks"] = "kila wiki mbili";
        d["every 15 days"] = "kila siku 15";
        d["monthly"] = "kila mwezi";
        d["every day"] = "kila siku";
        d["every {0} days"] = "kila siku {0}";
        d["{0} savings deduction, farmers paid {1}"] = "makato ya akiba {0}, wakulima hulipwa {1}";
        d["No savings deduction; farmers paid {0}"] = "Hakuna makato ya akiba; wakulima hulipwa {0}";
        d["the day after the due date"] = "siku inayofuata tarehe ya kulipa";
        d["after 1 day of grace"] = "baada ya siku 1 ya neema";
        d["after {0} days of grace"] = "baada ya siku {0} za neema";
        d["{0}% of the amount due, {1}"] = "{0}% ya kiasi kinachodaiwa, {1}";
        d["None"] = "Hakuna";
        d["{0} order, {1} pot"] = "Mpangilio: {0}, mchango wa zamu: {1}";
        d["not set"] = "haijawekwa";
        d["{0} to {1} shares per meeting"] = "hisa {0} hadi {1} kwa kila mkutano";
        d["{0}s at {1}"] = "Kila {0} saa {1}";
        d["{0}s"] = "Kila {0}";
        d["At {0}"] = "Saa {0}";
    }
}
