using Microsoft.EntityFrameworkCore;
using Pamoja.Web.Data;

namespace Pamoja.Web.Features.Accounts;

/// `Pamoja.Web.dll seed-demo`: demo people for the four kinds of group, created only in an
/// empty database. Their groups arrive with the groups feature.
public sealed class DemoSeed(AppDbContext db, RegisterAccount register)
{
    public const string DemoPassword = "pamoja-demo-2026";

    public static readonly (string Phone, string Name, string Role)[] People =
    [
        ("+27821234567", "Thandi Mokoena", "chair of Umoja Stokvel (Soweto)"),
        ("+254712345678", "Wanjiru Kamau", "treasurer of Tujenge Chama (Nairobi)"),
        ("+2348031234567", "Adebayo Okafor", "organiser of Ajo Peckham (London/Lagos)"),
        ("+254722000111", "Grace Wambui", "secretary of Imbuto Dairy Cooperative (Nyeri)"),
        ("+254733000222", "Peter Otieno", "member and farmer"),
    ];

    /// Creates the demo people when the database holds nobody but operators, then returns the
    /// login lines to print for every demo person that exists (so a second run prints them too).
    public async Task<IReadOnlyList<string>> RunAsync(CancellationToken ct = default)
    {
        var empty = !await db.Users.AnyAsync(u => !db.UserRoles.Any(r => r.UserId == u.Id), ct);
        if (empty)
            foreach (var (phone, name, _) in People)
                if (await register.HandleAsync(new RegisterRequest(phone, name, DemoPassword, null)) is not RegisterOutcome.Created)
                    throw new InvalidOperationException($"Could not create demo user {phone}.");

        var phones = People.Select(p => p.Phone).ToList();
        var existing = await db.Users.Where(u => phones.Contains(u.UserName!)).Select(u => u.UserName!).ToListAsync(ct);
        return People.Where(p => existing.Contains(p.Phone))
            .Select(p => $"  {p.Phone,-16} {p.Name,-16} {p.Role}")
            .ToList();
    }
}
