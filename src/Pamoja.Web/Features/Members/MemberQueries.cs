using Microsoft.EntityFrameworkCore;
using Pamoja.Core.Groups;
using Pamoja.Core.Phones;
using Pamoja.Web.Data;
using Pamoja.Web.Features.Groups;

namespace Pamoja.Web.Features.Members;

public sealed record MemberView(Guid MemberId, Guid? UserId, string FullName, string Phone, string Role, string Status, int? Position, DateOnly? JoinedOn);

public sealed class MemberQueries(AppDbContext db)
{
    /// Officials see phone numbers in full (they call and pay members); members see them masked.
    public async Task<IReadOnlyList<MemberView>> ListAsync(GroupContext caller, CancellationToken ct = default)
    {
        var members = await db.Members.AsNoTracking().Where(m => m.GroupId == caller.GroupId)
            .OrderBy(m => m.Status == MemberStatus.Exited).ThenBy(m => m.Position ?? int.MaxValue).ThenBy(m => m.CreatedAt)
            .ToListAsync(ct);
        var official = RolePermissions.IsOfficial(caller.Role);
        return members.Select(m => new MemberView(m.Id, m.UserId, m.FullName.Length > 0 ? m.FullName : m.Phone,
            official || m.Id == caller.MemberId ? m.Phone : PhoneNumber.Parse(m.Phone).Masked(),
            Api.Name(m.Role), Api.Name(m.Status), m.Position, m.JoinedOn)).ToList();
    }
}
