using Microsoft.EntityFrameworkCore;
using Pamoja.Core.Groups;
using Pamoja.Web.Data;
using Pamoja.Web.Features.Accounts;
using Pamoja.Web.Features.Groups;
using Pamoja.Web.Features.Members;

namespace Pamoja.Web.Features.Demo;

/// `Pamoja.Web.dll seed-demo` (run by `./pamoja run`): every kind of group — a stokvel, a chama,
/// an ajo, a dairy cooperative and a VSLA — with their people,
/// created through the same use cases as the app, only into a database with no accounts but
/// operators. Everyone's password is DemoPassword.
public sealed class DemoSeed(AppDbContext db, RegisterAccount register, CreateGroup createGroup, AddMember addMember, ChangeMemberRole changeRole,
    AcceptInvitation acceptInvitation, InvitationLinks links, Channels.ChatPins pins)
{
    public const string DemoPassword = "pamoja-demo-2026";

    /// Every demo login's chat PIN, so paying from the sandbox's WhatsApp, SMS or USSD works.
    public const string DemoChatPin = "2580";

    private sealed record Person(string Phone, string Name);
    private sealed record DemoGroup(string Name, GroupSettingsInput Settings, Person Chair, (Person Person, GroupRole Role)[] Members, string Story);

    private static readonly Person Thandi = new("+27821234567", "Thandi Mokoena");
    private static readonly Person Wanjiru = new("+254712345678", "Wanjiru Kamau");
    private static readonly Person Adebayo = new("+2348031234567", "Adebayo Okafor");
    private static readonly Person Grace = new("+254722000111", "Grace Wambui");
    private static readonly Person Peter = new("+254733000222", "Peter Otieno");
    private static readonly Person Nakato = new("+256772123456", "Sarah Nakato");

    private static DemoGroup[] Groups() =>
    [
        new("Umoja Stokvel",
            new GroupSettingsInput("Umoja Stokvel", "rosca", "ZAR", new ContributionInput(150000, "monthly", null), new DateOnly(2026, 9, 1), 6,
                new RotationInput("fixed", "net"), 0, new LateFineInput(5000, null, 3), null,
                "R1,500 by the 1st of every month. The pot goes to one member a month, in the agreed order.",
                new MeetingInput("saturday", "14:00", "Soweto, Orlando East community hall"), null),
            Thandi,
            [(new Person("+27821234501", "Sipho Dlamini"), GroupRole.Treasurer), (new Person("+27821234502", "Lerato Nkosi"), GroupRole.Secretary),
             (new Person("+27821234503", "Bongani Khumalo"), GroupRole.Member), (new Person("+27821234504", "Nomsa Zulu"), GroupRole.Member),
             (new Person("+27821234505", "Precious Mahlangu"), GroupRole.Member)],
            "a stokvel: six members, R1,500 monthly, net pot"),
        new("Tujenge Chama",
            new GroupSettingsInput("Tujenge Chama", "asca", "KES", new ContributionInput(100000, "weekly", null), new DateOnly(2026, 6, 6), 20,
                null, 50000, new LateFineInput(10000, null, 2), null,
                "KES 1,000 every Saturday. Registration KES 500. Loans up to three times your savings at 10% a month.",
                new MeetingInput("saturday", "16:00", "Kariobangi, St. Joseph's hall"), null),
            new Person("+254712345600", "Joseph Mwangi"),
            [(Wanjiru, GroupRole.Treasurer), (new Person("+254712345601", "Achieng Odhiambo"), GroupRole.Secretary),
             (new Person("+254712345602", "Kevin Kiprop"), GroupRole.Member), (Peter, GroupRole.Member)],
            "a savings-and-loans chama"),
        new("Ajo Peckham",
            new GroupSettingsInput("Ajo Peckham", "rosca", "GBP", new ContributionInput(10000, "monthly", null), new DateOnly(2026, 10, 1), 8,
                new RotationInput("lottery", "gross"), 0, null, null,
                "£100 on the first of the month. The order is drawn by lottery with a published commitment.",
                null, "Europe/London"),
            Adebayo,
            [(new Person("+447911123401", "Funmi Adeyemi"), GroupRole.Treasurer), (new Person("+447911123402", "Chidi Eze"), GroupRole.Member),
             (new Person("+2348031234502", "Bisi Ogunleye"), GroupRole.Member)],
            "an ajo across London and Lagos"),
        new("Imbuto Dairy Cooperative",
            new GroupSettingsInput("Imbuto Dairy Cooperative", "cooperative", "KES", new ContributionInput(null, "semimonthly", null), new DateOnly(2026, 7, 1), 200,
                null, 0, null, null,
                "Milk is recorded at the Kiganjo collection point morning and evening. Farmers are paid every 15 days by M-Pesa.",
                null, null),
            new Person("+254722000100", "Samuel Kariuki"),
            [(Grace, GroupRole.Secretary), (new Person("+254722000101", "Esther Wanjiku"), GroupRole.Treasurer), (Peter, GroupRole.Member),
             (new Person("+254733000223", "Mary Njeri"), GroupRole.Member)],
            "a dairy cooperative paying farmers every 15 days"),
        new("Tumaini VSLA",
            new GroupSettingsInput("Tumaini VSLA", "vsla", "UGX", new ContributionInput(2000, "weekly", null), new DateOnly(2026, 8, 4), 30,
                null, 5000, new LateFineInput(500, null, 0), new SharesInput(1, 5),
                "Shares cost UGX 2,000; buy one to five at each Tuesday meeting. The social fund is UGX 500 a week and is never shared out.",
                new MeetingInput("tuesday", "10:00", "Mukono, under the mango tree by the church"), null),
            Nakato,
            [(new Person("+256772123401", "Grace Namutebi"), GroupRole.Treasurer), (new Person("+256772123402", "Joseph Ssemakula"), GroupRole.Secretary),
             (new Person("+256772123403", "Aisha Nabirye"), GroupRole.Member), (new Person("+256772123404", "Moses Okello"), GroupRole.Member)],
            "a village savings and loan association"),
    ];

    /// The logins worth printing: (phone, name, what they are).
    public static readonly (string Phone, string Name, string Role)[] Logins =
    [
        (Thandi.Phone, Thandi.Name, "chair of Umoja Stokvel (stokvel, ZAR)"),
        (Wanjiru.Phone, Wanjiru.Name, "treasurer of Tujenge Chama (chama, KES)"),
        (Adebayo.Phone, Adebayo.Name, "chair of Ajo Peckham (ajo, GBP)"),
        (Grace.Phone, Grace.Name, "secretary of Imbuto Dairy Cooperative"),
        (Nakato.Phone, Nakato.Name, "chair of Tumaini VSLA (VSLA, UGX)"),
        (Peter.Phone, Peter.Name, "member and dairy farmer"),
    ];

    /// Creates the demo when the database holds nobody but operators, then returns the login
    /// lines to print for every demo login that exists (so a second run prints them too).
    public async Task<IReadOnlyList<string>> RunAsync(CancellationToken ct = default)
    {
        if (!await db.Users.AnyAsync(u => !db.UserRoles.Any(r => r.UserId == u.Id), ct))
            await CreateAsync(ct);

        var phones = Logins.Select(p => p.Phone).ToList();
        var existing = await db.Users.Where(u => phones.Contains(u.UserName!)).Select(u => u.UserName!).ToListAsync(ct);
        return Logins.Where(l => existing.Contains(l.Phone)).Select(l => $"  {l.Phone,-16} {l.Name,-16} {l.Role}").ToList();
    }

    private async Task CreateAsync(CancellationToken ct)
    {
        var accounts = new Dictionary<string, AppUser>();
        async Task<AppUser> Account(Person person)
        {
            if (accounts.TryGetValue(person.Phone, out var known)) return known;
            if (await register.HandleAsync(new RegisterRequest(person.Phone, person.Name, DemoPassword, null)) is not RegisterOutcome.Created created)
                throw new InvalidOperationException($"Could not create demo account {person.Phone}.");
            return accounts[person.Phone] = created.User;
        }

        foreach (var group in Groups())
        {
            var chair = await Account(group.Chair);
            if (await createGroup.HandleAsync(group.Settings, chair, ct) is not CreateGroupOutcome.Created created)
                throw new InvalidOperationException($"Could not create demo group {group.Name}.");
            var chairMember = await db.Members.AsNoTracking().SingleAsync(m => m.GroupId == created.GroupId && m.UserId == chair.Id, ct);
            var asChair = new GroupContext(created.GroupId, chairMember.Id, chair.Id, GroupRole.Chair);
            foreach (var (person, role) in group.Members)
            {
                var account = await Account(person);
                if (await addMember.HandleAsync(asChair, new AddMemberRequest(person.Phone, person.Name, null), ct) is not MemberOutcome.Done added)
                    throw new InvalidOperationException($"Could not add {person.Phone} to {group.Name}.");
                // Everyone added is invited; the demo's people say yes at once, as if they had
                // opened the link in their SMS signed in.
                var invitationId = await db.Invitations.Where(i => i.MemberId == added.Member.Id && i.UsedAt == null)
                    .Select(i => i.Id).SingleAsync(ct);
                if (await acceptInvitation.HandleAsync(new AcceptInvitationRequest(links.Token(invitationId), null, null), account, ct) is not AcceptOutcome.Accepted)
                    throw new InvalidOperationException($"{person.Phone} could not accept the invitation to {group.Name}.");
                if (role != GroupRole.Member)
                    await changeRole.HandleAsync(asChair, added.Member.Id, new ChangeRoleRequest(Api.Name(role)), ct);
            }
        }
        foreach (var account in accounts.Values)
            await pins.SetAsync(account.Id, DemoChatPin, ct);
    }
}

public static class DemoModule
{
    public static WebApplicationBuilder AddDemo(this WebApplicationBuilder builder)
    {
        builder.Services.AddScoped<DemoSeed>();
        return builder;
    }
}
