#include "domain/services.hpp"

namespace domain {

Services::Services(const Repositories& repositories, AccountOptions accounts)
    : accounts_(repositories.users, repositories.sessions, accounts),
      boards_(repositories.boards, repositories.users, accounts.clock),
      elements_(repositories.elements, repositories.boards, accounts.clock) {}

}  // namespace domain
