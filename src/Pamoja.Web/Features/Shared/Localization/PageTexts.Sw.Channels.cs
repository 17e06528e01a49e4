namespace Pamoja.Web.Features.Shared.Localization;

public sealed partial class PageTexts
{
    static partial void AddChannels(Dictionary<string, string> d)
    {
        // A link from a chat
        d["Link expired"] = "Kiungo kimekwisha muda";
        d["Continue"] = "Endelea";
        d["Continue from your chat"] = "Endelea kutoka kwenye gumzo lako";
        d["This link lets you create your Pamoja account. It works once."] = "Kiungo hiki kinakuwezesha kufungua akaunti yako ya Pamoja. Kinafanya kazi mara moja tu.";
        d["This link lets you set your chat PIN. It works once."] = "Kiungo hiki kinakuwezesha kuweka PIN yako ya gumzo. Kinafanya kazi mara moja tu.";
        d["This link lets you join the group. It works once."] = "Kiungo hiki kinakuwezesha kujiunga na kikundi. Kinafanya kazi mara moja tu.";
        d["This link lets you see your statement. It works once."] = "Kiungo hiki kinakuwezesha kuona taarifa yako ya akaunti. Kinafanya kazi mara moja tu.";
        d["This link lets you choose how Pamoja messages you. It works once."] = "Kiungo hiki kinakuwezesha kuchagua jinsi Pamoja inavyokutumia ujumbe. Kinafanya kazi mara moja tu.";
        d["This link has expired"] = "Muda wa kiungo hiki umekwisha";
        d["Links from a chat work once and only for a short time. Send MENU to Pamoja on WhatsApp or SMS to get a new one, or <a href=\"/account/sign-in\">sign in</a>."] = "Viungo kutoka kwenye gumzo hufanya kazi mara moja tu na kwa muda mfupi. Tuma MENU kwa Pamoja kupitia WhatsApp au SMS upate kingine, au <a href=\"/account/sign-in\">ingia</a>.";

        // Chat PIN
        d["Chat PIN"] = "PIN ya gumzo";
        d["Your chat PIN"] = "PIN yako ya gumzo";
        d["Your PIN is set. Use it to confirm payments from WhatsApp, SMS or USSD."] = "PIN yako imewekwa. Itumie kuthibitisha malipo kupitia WhatsApp, SMS au USSD.";
        d["Pamoja asks for this PIN before any money moves from a chat: paying a contribution from WhatsApp, SMS or the USSD menu."] = "Pamoja inaomba PIN hii kabla pesa yoyote haijatoka kupitia gumzo: kulipa mchango kupitia WhatsApp, SMS au menyu ya USSD.";
        d["After 3 wrong PINs, chat payments lock for 30 minutes. Never share it; Pamoja will never ask for it on a call."] = "Ukikosea PIN mara 3, malipo kupitia gumzo yanafungwa kwa dakika 30. Usimpe mtu yeyote; Pamoja haitakuomba kamwe kwa simu.";
        d["a PIN is set (setting a new one replaces it)."] = "PIN imewekwa (ukiweka mpya itachukua nafasi yake).";
        d["no PIN yet."] = "bado hakuna PIN.";
        d["New PIN"] = "PIN mpya";
        d["4 to 6 digits; not one repeated digit and not a run like 1234."] = "Tarakimu 4 hadi 6; si tarakimu moja inayojirudia wala mfululizo kama 1234.";
        d["The same PIN again"] = "PIN ileile tena";
        d["Your password"] = "Nenosiri lako";
        d["Save the PIN"] = "Hifadhi PIN";
        d["How Pamoja messages you"] = "Jinsi Pamoja inavyokutumia ujumbe";

        // Messages
        d["Messages"] = "Ujumbe";
        d["Saved. Your next messages follow these choices."] = "Imehifadhiwa. Ujumbe wako ujao utafuata machaguo haya.";
        d["Your phone number is not confirmed yet. Confirm it by accepting a group's invitation or by <a href=\"/account/forgot-password\">getting a code by SMS</a>; then you can choose how Pamoja messages it."] = "Nambari yako ya simu bado haijathibitishwa. Ithibitishe kwa kukubali mwaliko wa kikundi au kwa <a href=\"/account/forgot-password\">kupata msimbo kwa SMS</a>; kisha utaweza kuchagua jinsi Pamoja inavyotuma ujumbe kwenye nambari hiyo.";
        d["Language"] = "Lugha";
        d["Send my reminders and receipts by"] = "Nitumie vikumbusho na risiti kupitia";
        d["WhatsApp (SMS if WhatsApp cannot deliver)"] = "WhatsApp (SMS ikiwa WhatsApp haiwezi kufikisha)";
        d["Quiet from"] = "Kimya kuanzia";
        d["Reminders wait until quiet hours end; codes and receipts still come at once."] = "Vikumbusho vinasubiri hadi saa za kimya ziishe; misimbo na risiti bado hufika mara moja.";
        d["Quiet until"] = "Kimya hadi";
        d["Save"] = "Hifadhi";
        d["On WhatsApp or SMS, send MENU to Pamoja for your balance, what is due and to pay. Paying from a chat needs your <a href=\"/account/chat-pin\">chat PIN</a>."] = "Kupitia WhatsApp au SMS, tuma MENU kwa Pamoja ili kuona salio lako, kinachodaiwa na kulipa. Kulipa kupitia gumzo kunahitaji <a href=\"/account/chat-pin\">PIN yako ya gumzo</a>.";
        // The messages of the chat PIN and messages pages
        d["The two PINs are not the same."] = "PIN hizo mbili hazifanani.";
        d["That password is not right."] = "Nenosiri hilo si sahihi.";
        d["Choose a language from the list."] = "Chagua lugha kutoka kwenye orodha.";
        d["Choose WhatsApp or SMS."] = "Chagua WhatsApp au SMS.";
        d["Give a time like 21:00."] = "Weka saa kama 21:00.";
        d["Give a time like 07:00."] = "Weka saa kama 07:00.";
    }
}
