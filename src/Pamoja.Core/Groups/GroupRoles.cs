namespace Pamoja.Core.Groups;

public enum GroupRole { Chair, Treasurer, Secretary, Member }

public enum MemberStatus { Invited, Pending, Active, Suspended, Exited }

/// What a role may do in its group (domain.md § Roles). Every group route names the one
/// permission it needs; this table is the only place that says who has it.
public enum Permission
{
    ViewGroup,
    ViewMembers,
    ManageMembers,     // invite, approve, suspend, reactivate, exit
    ChangeRoles,       // chair only: a treasurer must not promote themselves
    ChangeSettings,
    RecordMoney,
    ViewAudit,
    ManageRotation,    // chair only: the order of a rotating group, the lottery draw
}

public static class RolePermissions
{
    public static bool Allows(GroupRole role, Permission permission) => role switch
    {
        GroupRole.Chair => true,
        GroupRole.Treasurer => permission is Permission.ViewGroup or Permission.ViewMembers or Permission.ManageMembers
            or Permission.RecordMoney or Permission.ViewAudit,
        GroupRole.Secretary => permission is Permission.ViewGroup or Permission.ViewMembers or Permission.ManageMembers
            or Permission.ViewAudit,
        GroupRole.Member => permission is Permission.ViewGroup or Permission.ViewMembers,
        _ => false,
    };

    public static bool IsOfficial(GroupRole role) => role is not GroupRole.Member;

    /// Which moves between statuses are allowed. Exited is final for that membership row; a
    /// person who comes back is re-invited, which reopens it as a new chapter in the audit log.
    public static bool CanMove(MemberStatus from, MemberStatus to) => (from, to) switch
    {
        (MemberStatus.Invited, MemberStatus.Active) => true,     // accepted the invitation
        (MemberStatus.Invited, MemberStatus.Exited) => true,     // invitation withdrawn
        (MemberStatus.Pending, MemberStatus.Active) => true,     // approved
        (MemberStatus.Pending, MemberStatus.Exited) => true,     // rejected
        (MemberStatus.Active, MemberStatus.Suspended) => true,
        (MemberStatus.Active, MemberStatus.Exited) => true,
        (MemberStatus.Suspended, MemberStatus.Active) => true,   // reactivated
        (MemberStatus.Suspended, MemberStatus.Exited) => true,
        _ => false,
    };
}
