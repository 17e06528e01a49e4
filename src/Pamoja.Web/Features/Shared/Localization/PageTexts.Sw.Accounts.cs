namespace Pamoja.Web.Features.Shared.Localization;

public sealed partial class PageTexts
{
    static partial void AddAccounts(Dictionary<string, string> d)
    {
        // Shared by the account pages
        d["Phone number or email"] = "Nambari ya simu au barua pepe";
        d["Phone with the country code, e.g."] = "Simu pamoja na msimbo wa nchi, kwa mfano";
        d["Back to sign in"] = "Rudi kwenye kuingia";
        d["Go to your home page"] = "Nenda kwenye ukurasa wako wa mwanzo";
        d["Email"] = "Barua pepe";

        // Sign in
        d["Your password was changed. Sign in with the new one."] = "Nenosiri lako limebadilishwa. Ingia kwa nenosiri jipya.";
        d["You are already signed in."] = "Tayari umeingia.";
        d["Forgot your password?"] = "Umesahau nenosiri lako?";
        d["New to Pamoja?"] = "Mgeni kwenye Pamoja?";

        // Register
        d["You sign in with it and we send codes to it by SMS."] = "Utaitumia kuingia, na tutakutumia misimbo kwa SMS kupitia nambari hiyo.";
        d["<a href=\"/account/sign-in\">Sign in</a> or <a href=\"/account/forgot-password\">reset your password</a>."] = "<a href=\"/account/sign-in\">Ingia</a> au <a href=\"/account/forgot-password\">weka upya nenosiri lako</a>.";
        d["Create account"] = "Fungua akaunti";
        d["Already have an account?"] = "Tayari una akaunti?";

        // Forgot / reset password
        d["Reset your password"] = "Weka upya nenosiri lako";
        d["We will send a code by SMS to the phone number on your account."] = "Tutatuma msimbo kwa SMS kwenye nambari ya simu iliyo kwenye akaunti yako.";
        d["Send the code"] = "Tuma msimbo";
        d["I already have a code"] = "Tayari nina msimbo";
        d["Choose a new password"] = "Chagua nenosiri jipya";
        d["If an account exists for this login, we sent a code by SMS. It expires in {0}."] = "Ikiwa kuna akaunti yenye kitambulisho hiki, tumetuma msimbo kwa SMS. Muda wake unaisha baada ya {0}.";
        d["Code from the SMS"] = "Msimbo kutoka kwenye SMS";
        d["10 letters and numbers, like ABCDE-23456."] = "Herufi na tarakimu 10, kama ABCDE-23456.";
        d["Send me a new code"] = "Nitumie msimbo mpya";
        d["New password"] = "Nenosiri jipya";
        d["At least {0} characters."] = "Angalau herufi {0}.";
        d["Change password"] = "Badilisha nenosiri";

        // Sign-in code
        d["Enter your sign-in code"] = "Weka msimbo wako wa kuingia";
        d["Two-factor sign-in is on for this account. Open your authenticator app and enter the 6-digit code it shows for Pamoja."] = "Kuingia kwa hatua mbili kumewashwa kwa akaunti hii. Fungua programu yako ya uthibitishaji na uweke msimbo wa tarakimu 6 inaouonyesha kwa Pamoja.";
        d["Code"] = "Msimbo";
        d["No longer have the app? Contact the Pamoja operator to get back in."] = "Huna tena programu hiyo? Wasiliana na mwendeshaji wa Pamoja ili uweze kuingia tena.";

        // Sign out, denied
        d["Sign out?"] = "Utoke?";
        d["You will need your password to sign in again."] = "Utahitaji nenosiri lako ili kuingia tena.";
        d["Stay signed in"] = "Endelea kuwa ndani";
        d["You are signed out"] = "Umetoka";
        d["<a href=\"/account/sign-in\">Sign in</a> again or go to the <a href=\"/\">home page</a>."] = "<a href=\"/account/sign-in\">Ingia</a> tena au nenda kwenye <a href=\"/\">ukurasa wa mwanzo</a>.";
        d["No access"] = "Huna ruhusa";
        d["You don't have access to that page."] = "Huna ruhusa ya kufungua ukurasa huo.";

        // Security
        d["Two-factor sign-in is on. From now on you need a code from your app to sign in."] = "Kuingia kwa hatua mbili kumewashwa. Kuanzia sasa unahitaji msimbo kutoka kwenye programu yako ili kuingia.";
        d["Two-factor sign-in is off."] = "Kuingia kwa hatua mbili kumezimwa.";
        d["Your account"] = "Akaunti yako";
        d["Phone: {0}"] = "Simu: {0}";
        d["Email: {0}"] = "Barua pepe: {0}";
        d["<a href=\"/account/forgot-password\">Change your password</a> (we send a code by SMS)"] = "<a href=\"/account/forgot-password\">Badilisha nenosiri lako</a> (tunatuma msimbo kwa SMS)";
        d["Two-factor sign-in"] = "Kuingia kwa hatua mbili";
        d["Status:"] = "Hali:";
        d["On"] = "Imewashwa";
        d["Off"] = "Imezimwa";
        d["Signing in needs your password and a code from your authenticator app."] = "Kuingia kunahitaji nenosiri lako na msimbo kutoka kwenye programu yako ya uthibitishaji.";
        d["Turn it off"] = "Kuzima";
        d["Code from your app"] = "Msimbo kutoka kwenye programu yako";
        d["Turn off two-factor sign-in"] = "Zima kuingia kwa hatua mbili";
        d["setting up."] = "inawekwa.";
        d["On this phone,"] = "Kwenye simu hii,";
        d["open your authenticator app with the key"] = "fungua programu yako ya uthibitishaji ukiwa na ufunguo";
        d["Or add an account in the app by hand with this key:"] = "Au ongeza akaunti kwenye programu kwa mkono ukitumia ufunguo huu:";
        d["Spaces do not matter. The full setup address is:"] = "Nafasi kati ya herufi hazina shida. Anwani kamili ya kuweka ni:";
        d["Enter the 6-digit code the app shows"] = "Weka msimbo wa tarakimu 6 unaoonyeshwa na programu";
        d["Turn on two-factor sign-in"] = "Washa kuingia kwa hatua mbili";
        d["With two-factor sign-in, someone who learns your password still cannot get in without the code from an authenticator app on your phone (for example Google Authenticator, Microsoft Authenticator or Aegis)."] = "Ukiwa na kuingia kwa hatua mbili, mtu anayejua nenosiri lako bado hawezi kuingia bila msimbo kutoka kwenye programu ya uthibitishaji iliyo kwenye simu yako (kwa mfano Google Authenticator, Microsoft Authenticator au Aegis).";
        d["Set up two-factor sign-in"] = "Weka kuingia kwa hatua mbili";
        d["WhatsApp, SMS and USSD"] = "WhatsApp, SMS na USSD";
        d["Send MENU to Pamoja on WhatsApp or SMS, or dial its USSD code, for your balance, what is due and to pay."] = "Tuma MENU kwa Pamoja kupitia WhatsApp au SMS, au piga msimbo wake wa USSD, ili kuona salio lako, kinachodaiwa na kulipa.";
        d["<a href=\"/account/chat-pin\">Your chat PIN</a> (needed to pay from a chat)"] = "<a href=\"/account/chat-pin\">PIN yako ya gumzo</a> (inahitajika kulipa kupitia gumzo)";
        d["<a href=\"/account/messages\">How Pamoja messages you</a>: language, WhatsApp or SMS, quiet hours"] = "<a href=\"/account/messages\">Jinsi Pamoja inavyokutumia ujumbe</a>: lugha, WhatsApp au SMS, saa za utulivu";
        // The account pages' messages
        d["{0} must be at most {1} characters."] = "{0} isizidi herufi {1}.";
        d["{0} must not contain control characters."] = "{0} isiwe na herufi za udhibiti.";
        d["Too many attempts. Try again in {0}."] = "Majaribio mengi mno. Jaribu tena baada ya {0}.";
        d["{0} minute"] = "dakika {0}";
        d["{0} minutes"] = "dakika {0}";
        d["{0} second"] = "sekunde {0}";
        d["{0} seconds"] = "sekunde {0}";
        d["The login or password is wrong."] = "Kitambulisho au nenosiri si sahihi.";
        d["This account is locked after too many failed attempts. Try again later or reset your password."] = "Akaunti hii imefungwa baada ya majaribio mengi yaliyoshindwa. Jaribu tena baadaye au weka upya nenosiri lako.";
        d["Enter your phone number or email."] = "Weka nambari yako ya simu au barua pepe.";
        d["Enter your password."] = "Weka nenosiri lako.";
        d["Enter the code from the SMS."] = "Weka msimbo kutoka kwenye SMS.";
        d["Enter a new password."] = "Weka nenosiri jipya.";
        d["The code is wrong, already used or expired. Ask for a new one."] = "Msimbo si sahihi, umeshatumika au muda wake umekwisha. Omba mpya.";
        d["An account with this email already exists."] = "Tayari kuna akaunti yenye barua pepe hii.";
        d["An account with this phone number already exists."] = "Tayari kuna akaunti yenye nambari hii ya simu.";
        d["Start the set-up again: no key was found."] = "Anza kuweka upya: hakuna ufunguo uliopatikana.";
        d["The code does not match. Check the key in your app and enter the code it shows now."] = "Msimbo haulingani. Kagua ufunguo kwenye programu yako na uweke msimbo inaouonyesha sasa.";
        d["The code does not match. Enter the code your app shows now."] = "Msimbo haulingani. Weka msimbo unaoonyeshwa na programu yako sasa.";
        d["Enter the 6-digit code from your authenticator app."] = "Weka msimbo wa tarakimu 6 kutoka kwenye programu yako ya uthibitishaji.";
        d["The code is 6 digits, like 123 456."] = "Msimbo ni tarakimu 6, kama 123 456.";
        d["The code is wrong or has expired. Enter the code your app shows now."] = "Msimbo si sahihi au muda wake umekwisha. Weka msimbo unaoonyeshwa na programu yako sasa.";
    }
}
