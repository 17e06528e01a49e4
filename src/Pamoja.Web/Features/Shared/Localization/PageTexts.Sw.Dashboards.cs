namespace Pamoja.Web.Features.Shared.Localization;

public sealed partial class PageTexts
{
    static partial void AddDashboards(Dictionary<string, string> d)
    {
        // A group's dashboard
        d["Dashboard – {0}"] = "Dashibodi – {0}";
        d["today {0}"] = "leo {0}";
        d["Waiting for you"] = "Yanayokusubiri";
        d["Nothing waits for your approval."] = "Hakuna kinachosubiri idhini yako.";
        d["{0} person asks to join"] = "Mtu {0} anaomba kujiunga";
        d["{0} people ask to join"] = "Watu {0} wanaomba kujiunga";
        d["{0} invitation has not been accepted yet"] = "Mwaliko {0} bado haujakubaliwa";
        d["{0} invitations have not been accepted yet"] = "Mialiko {0} bado haijakubaliwa";
        d["Confirm the payout of {0} to {1}"] = "Thibitisha mgao wa {0} kwa {1}";
        d["(period {0})"] = "(kipindi {0})";
        d["{0} mobile-money payment needs checking"] = "Malipo {0} ya pesa kwa simu yanahitaji kukaguliwa";
        d["{0} mobile-money payments need checking"] = "Malipo {0} ya pesa kwa simu yanahitaji kukaguliwa";
        d["(reconciliation)"] = "(ulinganisho)";
        d["This period"] = "Kipindi hiki";
        d["Collected for period {0} (due {1})"] = "Kilichokusanywa kwa kipindi {0} (tarehe ya mwisho {1})";
        d["{0} of {1}"] = "{0} kati ya {1}";
        d["{0} of {1} member paid in full"] = "Mwanachama {0} kati ya {1} amelipa kikamilifu";
        d["{0} of {1} members paid in full"] = "Wanachama {0} kati ya {1} wamelipa kikamilifu";
        d["Nothing is due yet. Contributions open a few days before the first due date."] = "Bado hakuna kinachodaiwa. Michango hufunguliwa siku chache kabla ya tarehe ya kwanza ya kulipa.";
        d["Arrears"] = "Madeni yaliyochelewa";
        d["No one is behind."] = "Hakuna aliyechelewa kulipa.";
        d["Members with overdue contributions, amounts in {0}"] = "Wanachama wenye michango iliyochelewa, kiasi kwa {0}";
        d["Overdue"] = "Imechelewa";
        d["Periods"] = "Vipindi";
        d["The pool"] = "Mfuko wa kikundi";
        d["In the pool now:"] = "Kilicho kwenye mfuko sasa:";
        d["pool statement"] = "taarifa ya mfuko";
        d["Upcoming payouts"] = "Migao ijayo";
        d["No payouts scheduled."] = "Hakuna mgao uliopangwa.";
        d["No payouts scheduled: set the rotation order first."] = "Hakuna mgao uliopangwa: kwanza weka mpangilio wa zamu.";
        d["(you)"] = "(wewe)";
        d["period {0}, {1}"] = "kipindi {0}, {1}";
        d["ready to pay out"] = "tayari kulipwa";
        d["all paid in"] = "wote wamelipa";
        d["collecting"] = "inakusanywa";
        d["payments overdue"] = "malipo yamechelewa";
        d["coming up"] = "kinakuja";
        d["Full schedule"] = "Ratiba kamili";
        d["Rotation order"] = "Mpangilio wa zamu";
        d["My position"] = "Hali yangu";
        d["Pay by mobile money"] = "Lipa kwa pesa kwa simu";
        d["Statements and downloads"] = "Taarifa za akaunti na vipakuliwa";
        d["Print statements and download CSV files"] = "Chapisha taarifa za akaunti na upakue faili za CSV";
        d["for a spreadsheet or the group's records."] = "kwa lahajedwali au kumbukumbu za kikundi.";

        // A member's own position and the charts
        d["My balance"] = "Salio langu";
        d["Next due"] = "Malipo yajayo";
        d["{0} by {1}"] = "{0} kufikia {1}";
        d["{0} by {1} (expected)"] = "{0} kufikia {1} (inatarajiwa)";
        d["Nothing due"] = "Hakuna deni";
        d["Next payout"] = "Mgao unaofuata";
        d["You"] = "Wewe";
        d["None scheduled"] = "Hakuna uliopangwa";
        d["My history"] = "Historia yangu";
        d["Show the numbers"] = "Onyesha takwimu";
        d["{0}, amounts in {1}"] = "{0}, kiasi kwa {1}";
        d["When"] = "Lini";
        d["Amount"] = "Kiasi";
        d["Net paid in"] = "Jumla halisi iliyolipwa";
        d["Your money in {0}, month by month"] = "Pesa zako katika {0}, mwezi kwa mwezi";
        d["Paid in each month, less what you received or were charged"] = "Ulicholipa kila mwezi, ukiondoa ulichopokea au ulichotozwa";
        d["The pool of {0} over time"] = "Mfuko wa {0} kwa muda";
        d["The group's money in cash, bank and mobile money"] = "Pesa za kikundi taslimu, benki na pesa za simu";
        d["Pool balance"] = "Salio la mfuko";
        d["No money has moved yet, so there is nothing to draw."] = "Bado hakuna pesa zilizoingia wala kutoka, kwa hiyo hakuna cha kuchora.";

        // Statements and downloads
        d["Statements and downloads – {0}"] = "Taarifa za akaunti na vipakuliwa – {0}";
        d["Print a statement, or download the group's books as CSV files that open in any spreadsheet."] = "Chapisha taarifa ya akaunti, au pakua vitabu vya kikundi kama faili za CSV zinazofunguka katika lahajedwali yoyote.";
        d["Print"] = "Chapisha";
        d["My statement, ready to print"] = "Taarifa yangu ya akaunti, tayari kuchapishwa";
        d["The group pool, ready to print"] = "Mfuko wa kikundi, tayari kuchapishwa";
        d["Another member's statement: open it from the {0} and choose “Print view”."] = "Taarifa ya akaunti ya mwanachama mwingine: ifungue kutoka {0} kisha uchague “Print view”.";
        d["statement page"] = "ukurasa wa taarifa ya akaunti";
        d["Download (CSV)"] = "Pakua (CSV)";
        d["Amounts are in {0} with a decimal point (1500.00); dates are written 2027-01-31."] = "Kiasi kiko kwa {0} chenye nukta ya desimali (1500.00); tarehe zimeandikwa 2027-01-31.";
        d["Every member's balance"] = "Salio la kila mwanachama";
        d["All contributions, one row per payment"] = "Michango yote, safu moja kwa kila malipo";
        d["The whole ledger, one row per line of each entry"] = "Daftari zima, safu moja kwa kila mstari wa kila ingizo";

        // The operator's dashboard
        d["Operator dashboard"] = "Dashibodi ya mwendeshaji";
        d["Health"] = "Hali ya mfumo";
        d["The platform is {0}."] = "Mfumo uko katika hali: {0}.";
        d["Jobs"] = "Kazi";
        d["Dead letters"] = "Kazi zilizokwama";
        d["No dead jobs."] = "Hakuna kazi zilizokwama.";
        d["{0} of {1} attempts"] = "majaribio {0} kati ya {1}";
        d["no error recorded"] = "hakuna hitilafu iliyorekodiwa";
        d["Job {0}"] = "Kazi {0}";
        d["group {0}"] = "kikundi {0}";
        d["Retry"] = "Jaribu tena";
        d["job {0} {1}"] = "kazi {0} {1}";
        d["Reconciliation exceptions"] = "Tofauti za ulinganisho";
        d["{0} open exception"] = "Tofauti {0} iliyo wazi";
        d["{0} open exceptions"] = "Tofauti {0} zilizo wazi";
        d["(the newest {0} below)"] = "(mpya zaidi {0} hapa chini)";
        d["no group"] = "hakuna kikundi";
        d["A group's officials resolve its exceptions on the group's payments page; the API lists them too (GET /api/v1/admin/reconciliation/exceptions)."] = "Viongozi wa kikundi hutatua tofauti zake kwenye ukurasa wa malipo wa kikundi; API pia huziorodhesha (GET /api/v1/admin/reconciliation/exceptions).";
        d["The job is queued again."] = "Kazi imewekwa tena kwenye foleni.";
        d["That job is not dead any more: nothing to retry."] = "Kazi hiyo haijakwama tena: hakuna cha kujaribu tena.";
    }
}
