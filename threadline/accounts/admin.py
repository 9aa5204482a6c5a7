from django.contrib import admin

from threadline.accounts.models import Payer, Practice

# People and roles are changed on the practice's People page, whose service audits every change
# of privilege; clinical content is never exposed in the admin.
admin.site.register(Practice)
admin.site.register(Payer)
