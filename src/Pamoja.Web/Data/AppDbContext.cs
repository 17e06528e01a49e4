using System.Text;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Pamoja.Web.Features.Accounts;
using Pamoja.Web.Features.Notifications;
using Pamoja.Web.Features.Groups;
using Pamoja.Web.Features.Members;
using Pamoja.Web.Features.Audit;
using Pamoja.Core.Groups;
using Pamoja.Core.Schedules;

namespace Pamoja.Web.Data;

/// EF Core model over the schema that Data/Migrations/*.sql creates. The SQL files are the
/// source of truth; SchemaMatchesModelTests fails if this model and the database drift apart.
public sealed class AppDbContext(DbContextOptions<AppDbContext> options)
    : IdentityDbContext<AppUser, IdentityRole<Guid>, Guid>(options)
{
    public DbSet<PasswordResetToken> PasswordResetTokens => Set<PasswordResetToken>();
    public DbSet<OutboxMessage> Outbox => Set<OutboxMessage>();
    public DbSet<Group> Groups => Set<Group>();
    public DbSet<GroupRulesVersion> GroupRules => Set<GroupRulesVersion>();
    public DbSet<GroupMember> Members => Set<GroupMember>();
    public DbSet<GroupInvitation> Invitations => Set<GroupInvitation>();
    public DbSet<AuditEntry> AuditLog => Set<AuditEntry>();

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);

        builder.Entity<AppUser>(user =>
        {
            user.ToTable("users");
            // Every account has a login: the SQL says NOT NULL, and so does the model.
            user.Property(u => u.UserName).IsRequired();
            user.Property(u => u.NormalizedUserName).IsRequired();
        });
        builder.Entity<IdentityRole<Guid>>(role =>
        {
            role.ToTable("roles");
            role.Property(r => r.Name).IsRequired();
            role.Property(r => r.NormalizedName).IsRequired();
        });
        builder.Entity<IdentityUserRole<Guid>>().ToTable("user_roles");
        builder.Entity<IdentityUserClaim<Guid>>().ToTable("user_claims");
        builder.Entity<IdentityRoleClaim<Guid>>().ToTable("role_claims");
        builder.Entity<IdentityUserLogin<Guid>>().ToTable("user_logins");
        builder.Entity<IdentityUserToken<Guid>>().ToTable("user_tokens");
        builder.Entity<PasswordResetToken>().ToTable("password_reset_tokens");
        builder.Entity<OutboxMessage>(o =>
        {
            o.ToTable("notification_outbox");
            o.Property(x => x.Params).HasColumnType("jsonb");
        });

        builder.Entity<Group>(g =>
        {
            g.ToTable("groups");
            g.Property(x => x.Kind).HasConversion(LowerCase<GroupKind>());
            g.Property(x => x.Revision).IsConcurrencyToken();
        });
        builder.Entity<GroupRulesVersion>(r =>
        {
            r.ToTable("group_rules");
            r.HasKey(x => new { x.GroupId, x.Version });
            r.Property(x => x.Frequency).HasConversion(LowerCase<Frequency>());
            r.Property(x => x.RotationOrder).HasConversion(LowerCase<RotationOrder>());
            r.Property(x => x.RotationPot).HasConversion(LowerCase<PotRule>());
            r.HasOne<Group>().WithMany().HasForeignKey(x => x.GroupId);
        });
        builder.Entity<GroupMember>(m =>
        {
            m.ToTable("group_members");
            m.Property(x => x.Role).HasConversion(LowerCase<GroupRole>());
            m.Property(x => x.Status).HasConversion(LowerCase<MemberStatus>());
            m.Property(x => x.Revision).IsConcurrencyToken();
            m.HasAlternateKey(x => new { x.GroupId, x.Id });
            m.HasOne<Group>().WithMany().HasForeignKey(x => x.GroupId);
        });
        builder.Entity<GroupInvitation>(i =>
        {
            i.ToTable("group_invitations");
            i.HasOne<GroupMember>().WithMany().HasForeignKey(x => new { x.GroupId, x.MemberId }).HasPrincipalKey(m => new { m.GroupId, m.Id });
        });
        builder.Entity<AuditEntry>(a =>
        {
            a.ToTable("audit_log");
            a.Property(x => x.Before).HasColumnType("jsonb");
            a.Property(x => x.After).HasColumnType("jsonb");
            // Declared so EF inserts a new group before the audit entries that name it.
            a.HasOne<Group>().WithMany().HasForeignKey(x => x.GroupId);
        });

        foreach (var entity in builder.Model.GetEntityTypes())
            foreach (var property in entity.GetProperties())
                property.SetColumnName(ToSnakeCase(property.Name));
    }

    /// Enums are stored as the API's lowercase names, so SQL, JSON and CHECK constraints agree.
    private static Microsoft.EntityFrameworkCore.Storage.ValueConversion.ValueConverter<T, string> LowerCase<T>() where T : struct, Enum =>
        new(v => v.ToString().ToLowerInvariant(), v => Enum.Parse<T>(v, true));

    public static string ToSnakeCase(string name)
    {
        var sb = new StringBuilder(name.Length + 8);
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (char.IsUpper(c) && i > 0 && (char.IsLower(name[i - 1]) || (i + 1 < name.Length && char.IsLower(name[i + 1]))))
                sb.Append('_');
            sb.Append(char.ToLowerInvariant(c));
        }
        return sb.ToString();
    }
}
