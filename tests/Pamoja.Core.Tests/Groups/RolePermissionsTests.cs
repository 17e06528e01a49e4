using Pamoja.Core.Groups;

namespace Pamoja.Core.Tests.Groups;

public sealed class RolePermissionsTests
{
    // The whole table, written out (domain.md § Roles): chair everything; treasurer money and
    // members but not roles or settings; secretary members but not money; member only looks.
    private static readonly Dictionary<(GroupRole, Permission), bool> Expected = new()
    {
        [(GroupRole.Chair, Permission.ViewGroup)] = true,
        [(GroupRole.Chair, Permission.ViewMembers)] = true,
        [(GroupRole.Chair, Permission.ManageMembers)] = true,
        [(GroupRole.Chair, Permission.ChangeRoles)] = true,
        [(GroupRole.Chair, Permission.ChangeSettings)] = true,
        [(GroupRole.Chair, Permission.RecordMoney)] = true,
        [(GroupRole.Chair, Permission.ViewAudit)] = true,
        [(GroupRole.Chair, Permission.ManageRotation)] = true,

        [(GroupRole.Treasurer, Permission.ViewGroup)] = true,
        [(GroupRole.Treasurer, Permission.ViewMembers)] = true,
        [(GroupRole.Treasurer, Permission.ManageMembers)] = true,
        [(GroupRole.Treasurer, Permission.ChangeRoles)] = false,
        [(GroupRole.Treasurer, Permission.ChangeSettings)] = false,
        [(GroupRole.Treasurer, Permission.RecordMoney)] = true,
        [(GroupRole.Treasurer, Permission.ViewAudit)] = true,
        [(GroupRole.Treasurer, Permission.ManageRotation)] = false,

        [(GroupRole.Secretary, Permission.ViewGroup)] = true,
        [(GroupRole.Secretary, Permission.ViewMembers)] = true,
        [(GroupRole.Secretary, Permission.ManageMembers)] = true,
        [(GroupRole.Secretary, Permission.ChangeRoles)] = false,
        [(GroupRole.Secretary, Permission.ChangeSettings)] = false,
        [(GroupRole.Secretary, Permission.RecordMoney)] = false,
        [(GroupRole.Secretary, Permission.ViewAudit)] = true,
        [(GroupRole.Secretary, Permission.ManageRotation)] = false,

        [(GroupRole.Member, Permission.ViewGroup)] = true,
        [(GroupRole.Member, Permission.ViewMembers)] = true,
        [(GroupRole.Member, Permission.ManageMembers)] = false,
        [(GroupRole.Member, Permission.ChangeRoles)] = false,
        [(GroupRole.Member, Permission.ChangeSettings)] = false,
        [(GroupRole.Member, Permission.RecordMoney)] = false,
        [(GroupRole.Member, Permission.ViewAudit)] = false,
        [(GroupRole.Member, Permission.ManageRotation)] = false,
    };

    [Fact]
    public void The_expected_table_covers_every_role_and_every_permission()
    {
        // A new role or permission must be added to the table above, deliberately.
        var all = Enum.GetValues<GroupRole>().SelectMany(r => Enum.GetValues<Permission>().Select(p => (r, p))).ToHashSet();
        Assert.Equal(all.Count, Expected.Count);
        Assert.True(all.SetEquals(Expected.Keys));
        Assert.Equal(4, Enum.GetValues<GroupRole>().Length);
        Assert.Equal(8, Enum.GetValues<Permission>().Length);
    }

    public static TheoryData<GroupRole, Permission, bool> Matrix()
    {
        var data = new TheoryData<GroupRole, Permission, bool>();
        foreach (var ((role, permission), allowed) in Expected)
            data.Add(role, permission, allowed);
        return data;
    }

    [Theory]
    [MemberData(nameof(Matrix))]
    public void Allows_matches_the_table(GroupRole role, Permission permission, bool allowed) =>
        Assert.Equal(allowed, RolePermissions.Allows(role, permission));

    [Fact]
    public void An_unknown_role_may_do_nothing()
    {
        foreach (var permission in Enum.GetValues<Permission>())
            Assert.False(RolePermissions.Allows((GroupRole)99, permission));
    }

    [Theory]
    [InlineData(GroupRole.Chair, true)]
    [InlineData(GroupRole.Treasurer, true)]
    [InlineData(GroupRole.Secretary, true)]
    [InlineData(GroupRole.Member, false)]
    public void Officials_are_every_role_but_member(GroupRole role, bool official) =>
        Assert.Equal(official, RolePermissions.IsOfficial(role));

    [Fact]
    public void Only_the_chair_changes_roles_and_settings()
    {
        var roles = Enum.GetValues<GroupRole>();
        Assert.Equal([GroupRole.Chair], roles.Where(r => RolePermissions.Allows(r, Permission.ChangeRoles)));
        Assert.Equal([GroupRole.Chair], roles.Where(r => RolePermissions.Allows(r, Permission.ChangeSettings)));
    }

    // Every (from, to) pair: the allowed moves are exactly these.
    private static readonly HashSet<(MemberStatus, MemberStatus)> Allowed =
    [
        (MemberStatus.Invited, MemberStatus.Active),
        (MemberStatus.Invited, MemberStatus.Exited),
        (MemberStatus.Pending, MemberStatus.Active),
        (MemberStatus.Pending, MemberStatus.Exited),
        (MemberStatus.Active, MemberStatus.Suspended),
        (MemberStatus.Active, MemberStatus.Exited),
        (MemberStatus.Suspended, MemberStatus.Active),
        (MemberStatus.Suspended, MemberStatus.Exited),
    ];

    public static TheoryData<MemberStatus, MemberStatus, bool> Moves()
    {
        var data = new TheoryData<MemberStatus, MemberStatus, bool>();
        foreach (var from in Enum.GetValues<MemberStatus>())
            foreach (var to in Enum.GetValues<MemberStatus>())
                data.Add(from, to, Allowed.Contains((from, to)));
        return data;
    }

    [Theory]
    [MemberData(nameof(Moves))]
    public void CanMove_allows_exactly_the_listed_transitions(MemberStatus from, MemberStatus to, bool allowed) =>
        Assert.Equal(allowed, RolePermissions.CanMove(from, to));

    [Fact]
    public void Exited_is_final_and_nothing_moves_to_itself_or_back_to_invited_or_pending()
    {
        foreach (var status in Enum.GetValues<MemberStatus>())
        {
            Assert.False(RolePermissions.CanMove(MemberStatus.Exited, status));
            Assert.False(RolePermissions.CanMove(status, status));
            Assert.False(RolePermissions.CanMove(status, MemberStatus.Invited));
            Assert.False(RolePermissions.CanMove(status, MemberStatus.Pending));
        }
        Assert.Equal(5, Enum.GetValues<MemberStatus>().Length);
    }
}
