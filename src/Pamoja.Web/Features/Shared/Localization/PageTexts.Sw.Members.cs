namespace Pamoja.Web.Features.Shared.Localization;

public sealed partial class PageTexts
{
    static partial void AddMembers(Dictionary<string, string> d)
    {
        // Members
        d["Members – {0}"] = "Wanachama – {0}";
        d["{0} of at most {1} places taken (active, suspended and invited members)."] = "Nafasi {0} kati ya {1} zimechukuliwa (wanachama walio hai, waliosimamishwa na walioalikwa).";
        d["{0} waiting for approval."] = "{0} wanasubiri kuidhinishwa.";
        d[" (you)"] = " (wewe)";
        d["Joined {0}"] = "Alijiunga {0}";
        d["Approve"] = "Idhinisha";
        d["Reject"] = "Kataa";
        d["Suspend"] = "Simamisha";
        d["Remove"] = "Ondoa";
        d["Reactivate"] = "Rejesha";
        d["Withdraw invitation"] = "Futa mwaliko";
        d["to {0}"] = "wa {0}";
        d["Role of {0}"] = "Wadhifa wa {0}";
        d["Change role"] = "Badilisha wadhifa";
        d["of {0}"] = "wa {0}";
        d["Former members ({0})"] = "Wanachama wa zamani ({0})";
        d["Add a member"] = "Ongeza mwanachama";
        d["They get an SMS with a link to accept: people new to Pamoja choose a password, people who already use it sign in. Until then they show as invited."] = "Watapokea SMS yenye kiungo cha kukubali: wapya kwenye Pamoja huchagua nenosiri, wanaoitumia tayari huingia. Hadi hapo wanaonekana kama walioalikwa.";
        d["Phone number"] = "Nambari ya simu";
        d["With the country code, e.g."] = "Pamoja na msimbo wa nchi, kwa mfano";
        d["Full name"] = "Jina kamili";
        d["(optional)"] = "(si lazima)";
        d["As the group knows them. They can change it when they accept."] = "Kama kikundi kinavyomfahamu. Anaweza kulibadilisha atakapokubali.";
        d["Role"] = "Wadhifa";
        d["Add the member"] = "Ongeza mwanachama";
        d["Leave this group"] = "Ondoka kwenye kikundi hiki";

        // Leave
        d["Leave {0}"] = "Ondoka kwenye {0}";
        d["Leave {0}?"] = "Uondoke kwenye {0}?";
        d["You will no longer see the group or take part in it. Your history in the group stays in its records."] = "Hutaona tena kikundi wala kushiriki ndani yake. Historia yako katika kikundi inabaki kwenye kumbukumbu zake.";
        d["To come back later, an official has to add you again, or you ask to join with the group's code."] = "Ili kurudi baadaye, kiongozi lazima akuongeze tena, au uombe kujiunga kwa msimbo wa kikundi.";
        d["Leave the group"] = "Ondoka kwenye kikundi";
        d["Stay in the group"] = "Baki kwenye kikundi";

        // Invitation
        d["Invitation not found"] = "Mwaliko haukupatikana";
        d["Join {0}"] = "Jiunge na {0}";
        d["This invitation link does not work"] = "Kiungo hiki cha mwaliko hakifanyi kazi";
        d["The link is invalid, already used or expired. Invitations work once, for a few days."] = "Kiungo si sahihi, kimeshatumika au muda wake umekwisha. Mwaliko hufanya kazi mara moja tu, kwa siku chache.";
        d["Ask the group's officials to invite you again, or to give you the group's invite code."] = "Waombe viongozi wa kikundi wakualike tena, au wakupe msimbo wa mwaliko wa kikundi.";
        d["Pamoja home"] = "Ukurasa wa mwanzo wa Pamoja";
        d["You were invited with the phone number"] = "Ulialikwa kwa nambari ya simu";
        d["You are signed in with another phone number. This invitation is for {0}: sign out first, then open the link again."] = "Umeingia kwa nambari nyingine ya simu. Mwaliko huu ni wa {0}: toka kwanza, kisha fungua kiungo tena.";
        d["Accept the invitation"] = "Kubali mwaliko";
        d["This phone number already has a Pamoja account. Sign in with it to accept the invitation."] = "Nambari hii ya simu tayari ina akaunti ya Pamoja. Ingia kwayo ili kukubali mwaliko.";
        d["Sign in to accept"] = "Ingia ili kukubali";
        d["Choose a password to accept. You sign in with your phone number and this password."] = "Chagua nenosiri ili kukubali. Utaingia kwa nambari yako ya simu na nenosiri hili.";
        d["As your group knows you."] = "Kama kikundi chako kinavyokufahamu.";
        d["Password"] = "Nenosiri";
        d["At least {0} characters. A few words you will remember work well."] = "Angalau herufi {0}. Maneno machache utakayoyakumbuka yanafaa vizuri.";
        d["Accept and join"] = "Kubali na ujiunge";
        // The members pages' messages
        d["Invitation sent to {0} by SMS. They show as invited until they accept it."] = "Mwaliko umetumwa kwa {0} kwa SMS. Ataonekana kama aliyealikwa hadi atakapoukubali.";
        d["{0} is now a member."] = "{0} sasa ni mwanachama.";
        d["The request of {0} to join was turned down."] = "Ombi la {0} la kujiunga limekataliwa.";
        d["{0} is suspended. Their history stays, and they can be reactivated."] = "{0} amesimamishwa. Historia yake inabaki, na anaweza kurejeshwa.";
        d["{0} is active again."] = "{0} yuko hai tena.";
        d["The invitation to {0} is withdrawn."] = "Mwaliko kwa {0} umefutwa.";
        d["{0} is no longer a member of the group."] = "{0} si mwanachama wa kikundi tena.";
        d["That member is not in this group."] = "Mwanachama huyo hayumo katika kikundi hiki.";
        d["Too many invitations: this group, or this phone number, has had its share for now. Try again in {0}."] = "Mialiko mingi mno: kikundi hiki, au nambari hii ya simu, kimefikia kikomo kwa sasa. Jaribu tena baada ya {0}.";
        d["Full name must be at most 100 characters."] = "Jina kamili lisizidi herufi 100.";
        d["Password must be at most {0} characters."] = "Nenosiri lisizidi herufi {0}.";
        d["Welcome to {0}. You are now a member."] = "Karibu {0}. Sasa wewe ni mwanachama.";
        d["This invitation is for another phone number. Sign out first, then open the link again."] = "Mwaliko huu ni wa nambari nyingine ya simu. Toka kwanza, kisha fungua kiungo tena.";
        d["You left {0}."] = "Umeondoka kwenye {0}.";
        d["{0} is now a {1}."] = "{0} sasa ni {1}.";
        d["{0} is now the group's {1}."] = "{0} sasa ni {1} wa kikundi.";
    }
}
