#include "domain/services.hpp"

namespace domain {

Services::Services(const Repositories& repositories, AccountOptions accounts, BoardLimits limits)
    : accounts_(repositories.users, repositories.sessions, accounts),
      boards_(repositories.boards, repositories.users, accounts.clock, limits),
      elements_(repositories.elements, repositories.boards, accounts.clock, limits) {}

}  // namespace domain
