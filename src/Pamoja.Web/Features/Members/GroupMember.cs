using Pamoja.Core.Groups;

namespace Pamoja.Web.Features.Members;

/// A person's membership of one group (table group_members). One row per phone per group;
/// its status moves along RolePermissions.CanMove and every move is in the audit log.
public sealed class GroupMember
{
    public Guid Id { get; set; }
    public Guid GroupId { get; set; }
    public Guid? UserId { get; set; }
    public string Phone { get; set; } = "";
    public string FullName { get; set; } = "";
    public GroupRole Role { get; set; }
    public MemberStatus Status { get; set; }
    public int? Position { get; set; }
    public DateOnly? JoinedOn { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public int Revision { get; set; }

    /// What the audit log records of a member, before and after a change.
    public object Snapshot() => new { id = Id, userId = UserId, phone = Phone, fullName = FullName, role = Api.Name(Role), status = Api.Name(Status), position = Position };
}

public sealed class GroupInvitation
{
    public Guid Id { get; set; }
    public Guid GroupId { get; set; }
    public Guid MemberId { get; set; }
    public Guid CreatedBy { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
    public DateTimeOffset? UsedAt { get; set; }
}
