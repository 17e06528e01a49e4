namespace Pamoja.Web.Features.Groups.Pages;

/// What the group pages share.
public static class GroupPages
{
    /// TempData key of the one-line outcome a page shows after a redirect ("Invitation sent to …").
    public const string MessageKey = "pamoja.message";
}
