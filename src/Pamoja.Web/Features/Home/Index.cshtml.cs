using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Pamoja.Web.Features.Accounts;

namespace Pamoja.Web.Features.Home;

public sealed class IndexModel(UserManager<AppUser> users) : PageModel
{
    public string? FullName { get; private set; }

    public async Task OnGetAsync()
    {
        if (User.Identity?.IsAuthenticated == true)
            FullName = (await users.GetUserAsync(User))?.FullName ?? User.Identity.Name;
    }
}
